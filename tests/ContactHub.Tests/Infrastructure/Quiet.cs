namespace ContactHub.Tests.Infrastructure;

/// <summary>
/// Tests that measure memory or hold a browser to a time limit (an SMS shows within 5 s) run alone, after the
/// parallel ones, so that the rest of the suite loading two cores cannot decide their outcome.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class Quiet
{
    public const string Name = "Quiet";
}
