using ContactHub.Channels.Email;
using Microsoft.Extensions.Options;

namespace ContactHub.Channels.Graph;

/// <summary>Sending through Graph needs Graph configured and a mailbox to send as: checked at start-up.</summary>
public sealed class GraphSendValidation(IOptions<GraphOptions> graph) : IValidateOptions<EmailOptions>
{
    public ValidateOptionsResult Validate(string? name, EmailOptions options) =>
        options.Enabled && options.Transport == EmailTransportKind.Graph && (!graph.Value.Enabled || string.IsNullOrWhiteSpace(graph.Value.SendAs))
            ? ValidateOptionsResult.Fail($"{EmailOptions.Section}:Transport is Graph: set Graph:TenantId, Graph:ClientId, Graph:ClientSecret and Graph:SendAs.")
            : ValidateOptionsResult.Success;
}
