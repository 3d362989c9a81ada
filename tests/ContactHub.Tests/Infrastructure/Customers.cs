namespace ContactHub.Tests.Infrastructure;

/// <summary>Fresh, valid customer identifiers, so tests sharing a database never collide.</summary>
public static class Customers
{
    private static readonly PhoneNumbers.PhoneNumberUtil Phones = PhoneNumbers.PhoneNumberUtil.GetInstance();

    /// <summary>A random French mobile number in E.164 that libphonenumber holds valid.</summary>
    public static string Phone()
    {
        while (true)
        {
            var candidate = "+336" + Random.Shared.Next(10_000_000, 99_999_999);
            if (Phones.IsValidNumber(Phones.Parse(candidate, null))) return candidate;
        }
    }

    public static string Email() => $"customer.{Guid.NewGuid():N}@example.com";

    public static string Ref() => "ref-" + Guid.NewGuid().ToString("N");
}
