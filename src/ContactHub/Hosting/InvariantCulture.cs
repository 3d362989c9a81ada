using System.Globalization;

namespace ContactHub.Hosting;

/// <summary>
/// The service formats and compares as the invariant culture whatever the machine's locale: culture data is loaded because
/// SqlClient needs it, not to follow <c>LANG</c> (with fr_FR.UTF-8 a count would print as "100 000" and a decimal as "1,5"
/// wherever the code formats without naming a culture).
/// </summary>
public static class InvariantCulture
{
    public static void Pin()
    {
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.DefaultThreadCurrentUICulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.InvariantCulture;
    }
}
