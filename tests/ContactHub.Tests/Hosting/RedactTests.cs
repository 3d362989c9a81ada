using ContactHub.Hosting;

namespace ContactHub.Tests.Hosting;

public sealed class RedactTests
{
    [Fact]
    public void Phones_and_emails_are_masked_as_the_logs_show_them()
    {
        Assert.Equal("+3361****678", Redact.Phone("+33612345678"));
        Assert.Equal("j***@example.com", Redact.Email("jane.doe@example.com"));
    }

    [Fact]
    public void Free_text_keeps_its_words_but_loses_the_addresses_and_numbers()
    {
        var text = Redact.Text("550 5.1.1 <jane.doe@example.com>: recipient rejected; call +33 6 12 34 56 78");

        Assert.DoesNotContain("jane.doe", text);
        Assert.DoesNotContain("12 34 56", text);
        Assert.Contains("recipient rejected", text);
        Assert.Contains("j***@example.com", text);
    }
}
