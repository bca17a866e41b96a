import DystaCore

extension SweepGrid {
    /// The grid as run descriptions, one per cell (all of the grid's seeds each), in cell order:
    /// `dysta simulate --run` on one of them runs that cell (`dysta sweep --print-runs`).
    public var runDescriptions: [RunDescription] {
        cells.map { cell in
            var run = RunDescription()
            if let scenario = cell.scenario {
                run.scenario = scenario.name
            } else if let folder = traces?.first(where: { $0.label == cell.workload }) {
                run.traces = folder.path
                run.traceKind = folder.kind
            } else {
                run.workload = cell.workload
            }
            if let table = cell.replay {
                run.replay = table
            } else if cell.scenario == nil {
                if cell.arrivalIsLoad { run.load = cell.arrival } else { run.rate = cell.arrival }
                run.slo = cell.slo
            }
            if cell.replay == nil { run.requests = requests }
            run.schedulers = [cell.scheduler]
            run.seeds = seeds
            run.semantics = semantics
            run.predictor = cell.predictor
            run.alpha = cell.alpha
            run.beta = cell.beta
            if cell.scenario == nil { run.accelerators = accelerators }
            run.switchCost = switchCost
            run.accelerator = accelerator
            run.hardware = hardware
            return run
        }
    }
}
