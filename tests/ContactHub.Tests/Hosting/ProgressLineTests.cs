using ContactHub.Hosting;

namespace ContactHub.Tests.Hosting;

/// <summary>
/// A command's progress in a scheduler's log: seed-demo and import rewrote one line with carriage returns whatever stderr
/// was, and a log file kept the whole run as a single line of a few hundred updates.
/// </summary>
public sealed class ProgressLineTests
{
    [Fact]
    public void In_a_log_each_update_shown_is_a_line_of_its_own()
    {
        var log = new StringWriter();
        var line = new CommandOutput.ProgressLine(inPlace: false, log);
        line.Show("1,000 rows read");          // too soon after the start: not shown
        line.Show("2,000 rows read", last: true);
        line.Show("3,000 rows read", last: true);
        line.End();

        Assert.Equal(["2,000 rows read", "3,000 rows read"], log.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
        Assert.DoesNotContain('\r', log.ToString().Replace(Environment.NewLine, "\n"));
    }

    [Fact]
    public void On_a_terminal_the_line_is_rewritten_in_place_and_ended_once()
    {
        var terminal = new StringWriter();
        var line = new CommandOutput.ProgressLine(inPlace: true, terminal);
        line.Show("1,000 rows read", last: true);
        line.Show("2,000 rows read", last: true);
        line.End();

        Assert.Equal("\r1,000 rows read   \r2,000 rows read   " + Environment.NewLine, terminal.ToString());
    }
}
