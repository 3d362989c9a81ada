using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace ContactHub.Security;

/// <summary>Documents the X-Api-Key scheme and, on each operation, the scope its policy requires.</summary>
internal static class OpenApiSecurity
{
    public static void Configure(OpenApiOptions options)
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "ContactHub API";
            document.Info.Description = "Every call, chat, SMS, WhatsApp and email interaction under the customer's recognised contact.";
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[ApiKeyAuthenticationHandler.SchemeName] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = ApiKeyAuthenticationHandler.HeaderName,
                Description = "An API key; its scopes (read, write, admin) decide which routes it may call.",
            };
            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, context, _) =>
        {
            var scopes = context.Description.ActionDescriptor.EndpointMetadata
                .OfType<IAuthorizeData>().Select(a => a.Policy).OfType<string>().Distinct().ToList();
            if (scopes.Count == 0 || context.Description.ActionDescriptor.EndpointMetadata.OfType<IAllowAnonymous>().Any())
                return Task.CompletedTask;
            operation.Security ??= [];
            operation.Security.Add(new OpenApiSecurityRequirement
            {
                [new OpenApiSecuritySchemeReference(ApiKeyAuthenticationHandler.SchemeName, context.Document)] = scopes,
            });
            operation.Responses ??= new OpenApiResponses();
            operation.Responses.TryAdd("401", new OpenApiResponse { Description = "No valid X-Api-Key header (ProblemDetails)." });
            operation.Responses.TryAdd("403", new OpenApiResponse { Description = $"The key lacks the {string.Join("/", scopes)} scope (ProblemDetails)." });
            return Task.CompletedTask;
        });
    }
}
