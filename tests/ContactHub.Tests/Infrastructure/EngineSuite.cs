namespace ContactHub.Tests.Infrastructure;

/// <summary>
/// Base of every suite that runs once per engine: a sealed subclass per engine supplies the app.
/// An engine that is not available here turns each test into a visible skip with its reason.
/// </summary>
public abstract class EngineSuite<TApp> : IClassFixture<TApp> where TApp : ContactHubApp
{
    protected EngineSuite(TApp app)
    {
        App = app;
        Skip.If(app.SkipReason is not null, app.SkipReason);
    }

    protected TApp App { get; }
}
