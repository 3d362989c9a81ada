namespace ContactHub.Hosting;

/// <summary>
/// Turns an exception that ends start-up or a command into one line for the operator, and the exit code that goes with it; null
/// when the exception is not one it knows. A feature registers one for the failures it owns (the database's: Data/DatabaseFailure).
/// </summary>
public interface IFailureDescriber
{
    (string Line, int ExitCode)? Describe(Exception exception);
}
