/// What a committed write means for in-process listeners: jobs that became final (wake `waitUntilFinal`)
/// and running jobs whose cancellation was requested (tell the workers). Published only after the commit.
struct TransitionEffects: Sendable {
    var finalized: [JobID] = []
    var cancellationRequested: [JobID] = []
}

/// A write's result together with its effects.
struct Effected<Value: Sendable>: Sendable {
    var value: Value
    var effects: TransitionEffects
}
