import DystaBenchmark
import DystaCLI
import DystaCore
import DystaRegistries
import DystaScheduling
import Foundation

// The C interface of the engine, loaded by the Python package with ctypes (docs/python.md).
// Every function returns nil on success or a malloc'ed one-line error message that the caller
// frees with dysta_free.

/// Copies `text` into malloc'ed C memory (freed by the caller with `dysta_free`).
private func cString(_ text: String) -> UnsafeMutablePointer<CChar>? { strdup(text) }

/// Frees a string returned by this library.
@_cdecl("dysta_free")
public func dystaFree(_ pointer: UnsafeMutablePointer<CChar>?) { free(pointer) }

/// Runs one `dysta` command in this process: `arguments` as `argc`/`argv` without the program
/// name. `policies` is a JSON array of host policy declarations (or NULL) whose decisions go to
/// `create`/`select`/`release`; `cancel` points to a flag the host sets non-zero to stop
/// between runs (or NULL). Returns NULL on success, else the command's one-line error message
/// (malloc'ed; the caller frees it with `dysta_free`).
@_cdecl("dysta_run")
public func dystaRun(
    _ argc: Int32, _ argv: UnsafePointer<UnsafePointer<CChar>?>?, _ policies: UnsafePointer<CChar>?,
    _ create: ForeignHost.Create?, _ select: ForeignHost.Select?, _ release: ForeignHost.Release?,
    _ cancel: UnsafePointer<Int32>?
) -> UnsafeMutablePointer<CChar>? {
    var arguments: [String] = []
    for index in 0..<Int(argc) {
        guard let pointer = argv?[index] else { return cString("argument \(index) is NULL") }
        arguments.append(String(cString: pointer))
    }
    do {
        var registries = Registries.standard
        if let policies, let create, let select, let release {
            let specs = try JSONDecoder().decode([ForeignPolicySpec].self, from: Data(String(cString: policies).utf8))
            registries.policies = registries.policies.adding(foreign: specs, host: ForeignHost(create: create, select: select, release: release))
        }
        try Cancellation.$current.withValue(Cancellation(flag: cancel)) {
            try DystaCommandLine.run(arguments: arguments, registries: registries)
        }
        return nil
    } catch let error as DystaError {
        return cString(error.description)
    } catch {
        return cString("\(error)")
    }
}

/// The registries and shipped workloads as JSON: `{"schedulers": [{name, summary, default}],
/// "predictors": [...], "accelerators": [...], "workloads": [names], "queue_columns": {...}}`.
/// The caller frees the text with `dysta_free`.
@_cdecl("dysta_catalog")
public func dystaCatalog() -> UnsafeMutablePointer<CChar>? {
    let registries = Registries.standard
    func entry(_ name: String, _ summary: String, _ listed: Bool? = nil) -> [String: Any] {
        var value: [String: Any] = ["name": name, "summary": summary]
        if let listed { value["default"] = listed }
        return value
    }
    let catalog: [String: Any] = [
        "version": DystaCommandLine.version,
        "schedulers": registries.policies.entries.map { entry($0.name, $0.summary, $0.listedByDefault) },
        "predictors": registries.predictors.entries.map { entry($0.name, $0.summary) },
        "accelerators": registries.accelerators.entries.map { entry($0.name, $0.summary) },
        "workloads": Benchmark.workloadNames,
        "queue_columns": ["doubles": QueueColumns.doubles, "integers": QueueColumns.integers],
        "defaults": [
            "slo": RunDefaults.sloMultiplier, "alpha": RunDefaults.alpha, "beta": RunDefaults.beta, "predictor": RunDefaults.predictor,
            "requests": RunDefaults.requests, "seeds": RunDefaults.seeds.map { Int($0) }, "accelerators": RunDefaults.accelerators,
            "switch_cost": RunDefaults.switchCost,
        ] as [String: Any],
    ]
    guard let data = try? JSONSerialization.data(withJSONObject: catalog, options: [.sortedKeys]) else { return nil }
    return cString(String(decoding: data, as: UTF8.self))
}
