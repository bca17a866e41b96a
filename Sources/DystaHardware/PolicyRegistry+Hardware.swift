import DystaParsing
import DystaCore
import DystaScheduling

extension PolicyRegistry {
    /// The paper's policies plus `dysta-hw`, whose hardware starts from `hardware` and takes
    /// per-scheduler options in brackets, e.g. `dysta-hw[preset=w16,gamma_rule=last]`.
    public static func withHardware(_ hardware: HardwareConfiguration = .w32) -> PolicyRegistry {
        PolicyRegistry.standard.addingHardware(hardware)
    }

    /// This registry plus `dysta-hw` (see ``withHardware(_:)``).
    public func addingHardware(_ hardware: HardwareConfiguration) -> PolicyRegistry {
        addingParametric(
            DystaHardwarePolicy.policyName, summary: "Dysta's dynamic level as bit-accurate hardware (options: dysta-hw[name=value,…], docs/hardware.md)",
            optionHelp: HardwareConfiguration.options.helpLines(defaults: hardware)
        ) { parameters, options in
            let configuration = try hardware.applying(try HardwareConfiguration.parseOptionList(options ?? ""))
            let label = options.map { "\(DystaHardwarePolicy.policyName)[\($0)]" } ?? DystaHardwarePolicy.policyName
            return DystaHardwarePolicy(name: label, configuration: configuration, beta: parameters.beta)
        }.notListedByDefault(DystaHardwarePolicy.policyName)
    }
}
