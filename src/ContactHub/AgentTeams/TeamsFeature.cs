namespace ContactHub.AgentTeams;

public static class TeamsFeature
{
    public static WebApplicationBuilder AddTeams(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<TeamStore>();
        return builder;
    }
}
