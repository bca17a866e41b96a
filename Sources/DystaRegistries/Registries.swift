import DystaAccelerators
import DystaHardware
import DystaScheduling

/// The registries names are looked up in: scheduling policies, sparsity predictors and
/// accelerator latency models.
///
/// This module is the plug-in point: a policy, predictor or latency-model package needs only
/// it and the module of the protocol it implements (DystaScheduling or DystaAccelerators).
///
/// The `dysta` command line and sweeps read ``current``. A user's package that depends on Dysta
/// gets the whole `dysta` command with its own entries by passing its registries to
/// `DystaCommandLine.main(registries:)` (library `DystaCLI`; see docs/extending.md) — without
/// editing Dysta.
public struct Registries: Sendable {
    /// Policies: the paper's, the project's own (`lax-srpt`) and `dysta-hw` (with the `w32`
    /// hardware; the commands' `--hw-…` flags change its base configuration).
    public var policies: PolicyRegistry
    /// Sparsity predictors.
    public var predictors: PredictorRegistry
    /// Accelerator latency models.
    public var accelerators: AcceleratorRegistry

    /// Creates registries (defaults: the built-in ones).
    public init(policies: PolicyRegistry = PolicyRegistry.withProjectPolicies.addingHardware(.w32), predictors: PredictorRegistry = .standard, accelerators: AcceleratorRegistry = .standard) {
        self.policies = policies
        self.predictors = predictors
        self.accelerators = accelerators
    }

    /// The built-in registries.
    public static let standard = Registries()

    /// The registries in force for the code running now: the built-in ones unless a caller
    /// bound others with `Registries.$current.withValue(…)` (task-local, so nothing global is
    /// mutated; worker threads get them passed explicitly).
    @TaskLocal public static var current = Registries.standard
}
