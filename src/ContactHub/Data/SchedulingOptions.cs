using System.ComponentModel.DataAnnotations;

namespace ContactHub.Data;

public sealed class SchedulingOptions : IValidatableObject
{
    public const string Section = "Scheduling";

    /// <summary>
    /// How late a firing may start before it counts as missed. Firings missed while every node was down are not
    /// caught up one by one: a report schedule runs once when a node returns.
    /// </summary>
    public TimeSpan MisfireThreshold { get; set; } = TimeSpan.FromMinutes(1);

    public IEnumerable<ValidationResult> Validate(ValidationContext context)
    {
        if (MisfireThreshold < TimeSpan.FromSeconds(1)) yield return new($"{Section}:MisfireThreshold must be at least 00:00:01.");
    }
}
