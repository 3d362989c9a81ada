namespace ContactHub.Tests.Infrastructure;

/// <summary>Waits for what the service does in the background: polls a condition until it holds, or fails the test naming what never happened.</summary>
public static class Eventually
{
    public static Task Until(Func<bool> condition, string what, int seconds = 30) => Until(() => Task.FromResult(condition()), what, seconds);

    public static async Task Until(Func<Task<bool>> condition, string what, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new Xunit.Sdk.XunitException($"Timed out after {seconds} s waiting for {what}.");
            await Task.Delay(20);
        }
    }
}
