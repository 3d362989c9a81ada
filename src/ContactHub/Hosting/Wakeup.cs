namespace ContactHub.Hosting;

/// <summary>
/// A wake-up that stays set until a wait takes it: set while nobody waits, it ends the next wait at once; set many times
/// before that, it ends one wait. Neither setting nor a wait that times out throws — <c>SemaphoreSlim(0, 1).Release()</c>
/// answered a second set with a <see cref="SemaphoreFullException"/>, one for every message a campaign queued while the
/// outbox dispatcher was busy, in <c>dotnet.exceptions</c>, the metric operators watch. A waiter takes the wake-up before it
/// looks at its work, so work whose set came in between is still seen.
/// </summary>
public class Wakeup
{
    private TaskCompletionSource _set = New();

    private static TaskCompletionSource New() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Set() => Volatile.Read(ref _set).TrySetResult();

    /// <summary>True when woken, false at the timeout; only cancellation throws.</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => WaitAsync(null, timeout, ct);

    /// <summary>
    /// The same wait, ended as well by <paramref name="or"/> (another signal's wait) without taking this wake-up: one wait rather
    /// than a <c>WhenAny</c> of two, whose loser, left waiting, would take the next wake-up from the wait after it.
    /// </summary>
    public async Task<bool> WaitAsync(Task? or, TimeSpan timeout, CancellationToken ct)
    {
        var set = Volatile.Read(ref _set);
        await Until(or is null ? set.Task : Task.WhenAny(set.Task, or), timeout, ct);
        if (!set.Task.IsCompleted) return false;
        Interlocked.CompareExchange(ref _set, New(), set);
        return true;
    }

    /// <summary>
    /// Ends when <paramref name="signal"/> does or at the timeout, whichever comes first; only cancellation throws. A timeout is
    /// the common case (the poll): caught as a <see cref="TimeoutException"/> it cost an exception every poll per waiter, and an
    /// idle service showed a steady rate of them in <c>dotnet.exceptions</c>, the metric operators watch.
    /// </summary>
    public static async Task Until(Task signal, TimeSpan timeout, CancellationToken ct)
    {
        await signal.WaitAsync(timeout, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        ct.ThrowIfCancellationRequested();
    }
}
