using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;

namespace ContactHub.Hosting;

/// <summary>An example request body shown in the OpenAPI document and the Scalar reference.</summary>
public sealed record RequestExample(string Json);

public static class OpenApiExamples
{
    public static RouteHandlerBuilder WithRequestExample(this RouteHandlerBuilder builder, string json) =>
        builder.WithMetadata(new RequestExample(json));

    public static void Configure(OpenApiOptions options) =>
        options.AddOperationTransformer((operation, context, _) =>
        {
            var example = context.Description.ActionDescriptor.EndpointMetadata.OfType<RequestExample>().LastOrDefault();
            if (example is not null && operation.RequestBody?.Content is { } content)
                foreach (var media in content.Values)
                    media.Example = JsonNode.Parse(example.Json);
            return Task.CompletedTask;
        });
}
