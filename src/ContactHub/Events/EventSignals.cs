using ContactHub.Hosting;

namespace ContactHub.Events;

/// <summary>
/// In-process wake-ups, to be fast on one node: an append wakes the sequencer, a sequenced batch wakes the streams and the
/// webhook dispatcher. They are only hints: every waiter also polls the log, which is what other nodes' events reach it by.
/// </summary>
public sealed class EventSignals
{
    private TaskCompletionSource _appended = New();
    private TaskCompletionSource _sequenced = New();

    private static TaskCompletionSource New() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Appended() => Interlocked.Exchange(ref _appended, New()).TrySetResult();

    public void Sequenced() => Interlocked.Exchange(ref _sequenced, New()).TrySetResult();

    public Task WaitAppendedAsync(TimeSpan timeout, CancellationToken ct) => Wakeup.Until(Volatile.Read(ref _appended).Task, timeout, ct);

    public Task WaitSequencedAsync(TimeSpan timeout, CancellationToken ct) => Wakeup.Until(Volatile.Read(ref _sequenced).Task, timeout, ct);
}
