namespace ContactHub.BusinessHours;

public static class BusinessHoursFeature
{
    public static WebApplicationBuilder AddBusinessHours(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<BusinessCalendarStore>();
        return builder;
    }
}
