using System.Text;
using ContactHub.Tests.Infrastructure;

namespace ContactHub.Tests.Hosting;

/// <summary>
/// The service loads culture data (SqlClient needs it) but writes as the invariant culture whatever the machine's locale: with
/// LANG=fr_FR.UTF-8 a count printed as "1 200" (a narrow no-break space) where the documentation, the logs and every other machine
/// print "1,200".
/// </summary>
public sealed class MachineLocaleTests
{
    [Fact]
    public async Task A_french_machine_prints_the_same_numbers_as_any_other()
    {
        var folder = Directory.CreateTempSubdirectory("contacthub-locale-").FullName;
        var csv = new StringBuilder("channel,direction,occurred_at,phone\n");
        for (var n = 0; n < 1_200; n++) csv.Append($"sms,inbound,2025-03-01T10:{n / 60 % 60:D2}:{n % 60:D2}Z,+336120{n:D5}\n");
        await File.WriteAllTextAsync(Path.Combine(folder, "history.csv"), csv.ToString());
        var french = new Dictionary<string, string> { ["LANG"] = "fr_FR.UTF-8", ["LC_ALL"] = "fr_FR.UTF-8" };

        var (code, output) = await HostProcess.RunAsync(french, "import", Path.Combine(folder, "history.csv"), "--Database:Provider=Sqlite",
            $"--Database:ConnectionString=Data Source={folder}/locale.db", "--Contacts:DefaultRegion=FR", $"--Security:InitialKeyFile={folder}/key.txt");

        Assert.Equal(0, code);
        Assert.Contains("1,200 rows, 1,200 recorded", output);
    }
}
