using ContactHub.Data;
using ContactHub.Tests.Infrastructure;

namespace ContactHub.Tests.Reports;

/// <summary>A host that emails through the real SMTP server of test.sh and retries report runs quickly.</summary>
public abstract class ReportApp(DatabaseProvider provider) : ContactHubApp(provider)
{
    public override string? SkipReason => Engine.SkipReason ?? Maildir.SkipReason;

    /// <summary>Where this host writes its workbooks (one folder per host, removed with it).</summary>
    public string OutputPath { get; } = Path.Combine(Path.GetTempPath(), "contacthub-tests", "reports-" + Guid.NewGuid().ToString("N")[..8]);

    protected virtual string SmtpPort => Maildir.Server?.Split(':')[1] ?? "2525";

    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        new("Email:FromAddress", "reports@contact-centre.example"),
        new("Email:FromName", "ContactHub reports"),
        new("Email:Smtp:Host", Maildir.Server?.Split(':')[0] ?? "127.0.0.1"),
        new("Email:Smtp:Port", SmtpPort),
        new("Email:Smtp:Security", "None"),
        new("Email:Smtp:Timeout", "00:00:05"),
        new("Reports:OutputPath", OutputPath),
        new("Reports:MaxAttempts", "2"),
        new("Reports:RetryDelay", "00:00:00.050"),
        new("Reports:PublicBaseUrl", "https://contacthub.example"),
        new("Reports:MaxDetailRows", "5"),
        new("Reports:MinimumScheduleInterval", "00:00:05"), // the cluster test fires every ten seconds
    ];

    protected override ValueTask DisposeExtrasAsync()
    {
        if (Directory.Exists(OutputPath)) Directory.Delete(OutputPath, recursive: true);
        return ValueTask.CompletedTask;
    }
}

public sealed class ReportSqliteApp() : ReportApp(DatabaseProvider.Sqlite);

public sealed class ReportPostgresApp() : ReportApp(DatabaseProvider.Postgres);

public sealed class ReportSqlServerApp() : ReportApp(DatabaseProvider.SqlServer);

/// <summary>SMTP pointed at a port where nothing listens: every delivery fails.</summary>
public sealed class ReportSmtpDownApp() : ReportApp(DatabaseProvider.Sqlite)
{
    private readonly string _port = HostProcess.FreePort().ToString();

    protected override string SmtpPort => _port;
}
