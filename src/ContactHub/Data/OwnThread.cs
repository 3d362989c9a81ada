namespace ContactHub.Data;

/// <summary>
/// Blocking work — a synchronous writer, SQLite's reads (its driver answers async calls synchronously), the group-commit
/// loop — on a thread of its own rather than one of the thread pool's few: the pool has as many threads as cores and adds
/// one every half second when starved, so work that holds a pool thread for seconds delays every request behind it.
/// </summary>
public static class OwnThread
{
    public static Task Start(Action work, CancellationToken ct = default) =>
        Task.Factory.StartNew(work, ct, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    /// <summary>Runs the asynchronous work's synchronous part (all of it, for SQLite) on its own thread.</summary>
    public static Task<T> Start<T>(Func<Task<T>> work, CancellationToken ct = default) =>
        Task.Factory.StartNew(work, ct, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
}
