using System.ComponentModel.DataAnnotations;
using OpenTelemetry.Exporter;

namespace ContactHub.Hosting;

public sealed class TelemetryOptions : IValidatableObject
{
    public const string Section = "OpenTelemetry";

    /// <summary>OTLP collector address; traces and metrics are exported only when it is set.</summary>
    public string? Endpoint { get; set; }

    public OtlpExportProtocol Protocol { get; set; } = OtlpExportProtocol.Grpc;

    public string ServiceName { get; set; } = "contacthub";

    public IEnumerable<ValidationResult> Validate(ValidationContext context)
    {
        if (!string.IsNullOrEmpty(Endpoint) && !Uri.TryCreate(Endpoint, UriKind.Absolute, out _))
            yield return new($"{Section}:Endpoint must be an absolute URL such as http://collector:4317 (was '{Endpoint}').");
    }
}
