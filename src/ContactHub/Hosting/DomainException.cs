namespace ContactHub.Hosting;

/// <summary>An expected failure deep in a store (a conflict found inside a transaction) that maps to one status.</summary>
public class DomainException(int status, string title, string detail) : Exception(detail)
{
    public int Status { get; } = status;
    public string Title { get; } = title;
}
