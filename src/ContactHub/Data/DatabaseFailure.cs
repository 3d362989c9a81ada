using System.Data.Common;
using System.Net.Sockets;
using ContactHub.Hosting;
using Microsoft.Data.SqlClient;
using Npgsql;

namespace ContactHub.Data;

/// <summary>
/// Start-up or a command that could not use the database — no server at that address, no such database, a login refused, a file
/// that cannot be opened — ends with one line saying why (exit code 3), never with the driver's exception and its stack trace.
/// The connection string is never part of the line; the server's own words are, with any email address or phone number masked.
/// </summary>
public sealed class DatabaseFailure(Db db) : IFailureDescriber
{
    public const int ExitCode = 3;

    public (string Line, int ExitCode)? Describe(Exception exception)
    {
        var chain = ExceptionChain.Of(exception).ToList();
        if (chain.OfType<DbException>().FirstOrDefault() is not { } failure) return null;
        var reason = failure switch
        {
            PostgresException pg => $"{pg.MessageText} (SQLSTATE {pg.SqlState})",
            SqlException sql => $"{FirstLine(sql.Message)} (error {sql.Number})",
            _ => FirstLine(failure.Message),
        };
        // Npgsql says where it could not connect, the socket says why (SqlClient's own socket error says "Success": left out).
        if (chain.FirstOrDefault(e => e is SocketException { SocketErrorCode: not SocketError.Success } or TimeoutException) is { } cause
            && !reason.Contains(cause.Message, StringComparison.Ordinal))
            reason += $": {cause.Message}";
        var check = db.Provider == DatabaseProvider.Sqlite
            ? "Check Database:ConnectionString, and that the service may create and write the file and its folder."
            : "Check Database:ConnectionString, and that the server is running and accepts its login.";
        return ($"The {db.Provider} database cannot be used: {Redact.Text(reason)}. {check}", ExitCode);
    }

    private static string FirstLine(string message) => message.Split('\n', 2)[0].Trim().TrimEnd('.');
}
