using System.Runtime.ExceptionServices;
using ContactHub.Hosting;

namespace ContactHub.Tests.Hosting;

public sealed class WakeupTests
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(20);

    [Fact]
    public async Task Sets_in_a_row_end_one_wait_and_neither_they_nor_a_timeout_throw_on_the_way()
    {
        // Exceptions thrown on this test's own flow (the async-local flows with it), not by tests running beside it.
        var thrown = new List<string>();
        var ours = new AsyncLocal<bool> { Value = true };
        void Count(object? sender, FirstChanceExceptionEventArgs e)
        {
            if (ours.Value) lock (thrown) thrown.Add(e.Exception.GetType().Name);
        }

        var wakeup = new Wakeup();
        bool first, second;
        AppDomain.CurrentDomain.FirstChanceException += Count;
        try
        {
            // A campaign queues many messages while the dispatcher is busy: a set for each, nobody waiting yet.
            for (var i = 0; i < 3; i++) wakeup.Set();
            first = await wakeup.WaitAsync(Long, CancellationToken.None);
            second = await wakeup.WaitAsync(Short, CancellationToken.None);
        }
        finally
        {
            AppDomain.CurrentDomain.FirstChanceException -= Count;
        }
        Assert.Empty(thrown);
        Assert.True(first);   // set before the wait: it ends at once
        Assert.False(second); // taken by the first wait: the second one times out
    }

    [Fact]
    public async Task A_set_ends_a_wait_under_way_and_a_cancellation_ends_it_with_an_exception()
    {
        var wakeup = new Wakeup();
        var waiting = wakeup.WaitAsync(Long, CancellationToken.None);
        Assert.False(waiting.IsCompleted);
        wakeup.Set();
        Assert.True(await waiting.WaitAsync(TimeSpan.FromSeconds(30)));

        using var stop = new CancellationTokenSource();
        var stopped = wakeup.WaitAsync(Long, stop.Token);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => stopped);
    }

    [Fact]
    public async Task A_wait_ended_by_another_signal_leaves_the_wake_up_for_the_next_wait()
    {
        var wakeup = new Wakeup();
        var other = new TaskCompletionSource();
        var waiting = wakeup.WaitAsync(other.Task, Long, CancellationToken.None);
        other.SetResult();
        Assert.False(await waiting.WaitAsync(TimeSpan.FromSeconds(30))); // the other signal ended it: not woken

        wakeup.Set(); // while nobody waits (the runner is busy with its round)
        Assert.True(await wakeup.WaitAsync(new TaskCompletionSource().Task, Long, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30)));
    }
}
