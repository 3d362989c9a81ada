using System.Runtime.ExceptionServices;
using ContactHub.Events;

namespace ContactHub.Tests.Events;

public sealed class EventSignalsTests
{
    [Fact]
    public async Task A_wait_that_times_out_throws_nothing_on_the_way_and_a_signal_or_a_cancellation_still_ends_it()
    {
        var thrown = 0;
        void Count(object? sender, FirstChanceExceptionEventArgs e)
        {
            if (e.Exception is TimeoutException && Environment.StackTrace.Contains(nameof(EventSignals), StringComparison.Ordinal)) Interlocked.Increment(ref thrown);
        }

        var signals = new EventSignals();
        AppDomain.CurrentDomain.FirstChanceException += Count;
        try
        {
            for (var i = 0; i < 3; i++) await signals.WaitAppendedAsync(TimeSpan.FromMilliseconds(5), CancellationToken.None);
        }
        finally
        {
            AppDomain.CurrentDomain.FirstChanceException -= Count;
        }
        Assert.Equal(0, thrown);

        var waiting = signals.WaitSequencedAsync(TimeSpan.FromMinutes(5), CancellationToken.None);
        Assert.False(waiting.IsCompleted);
        signals.Sequenced();
        await waiting.WaitAsync(TimeSpan.FromSeconds(30));

        using var stop = new CancellationTokenSource();
        var stopped = signals.WaitAppendedAsync(TimeSpan.FromMinutes(5), stop.Token);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => stopped);
    }
}
