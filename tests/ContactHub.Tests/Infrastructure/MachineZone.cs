using System.Runtime.CompilerServices;

namespace ContactHub.Tests.Infrastructure;

/// <summary>
/// The suite runs as a server outside UTC would: the process's local zone (and its children's) is New York's, five hours
/// behind UTC in winter and four in summer. CI machines run in UTC, where reading a time in the machine's zone and reading it
/// in UTC give the same answer; here they differ, so a code path that depends on where the service is deployed fails.
/// </summary>
internal static class MachineZone
{
    public const string Id = "America/New_York";

    [ModuleInitializer]
    internal static void Set()
    {
        Environment.SetEnvironmentVariable("TZ", Id);
        TimeZoneInfo.ClearCachedData();
    }
}

public sealed class MachineZoneTests
{
    [Fact]
    public void The_suite_runs_outside_UTC() => Assert.Equal(MachineZone.Id, TimeZoneInfo.Local.Id);
}
