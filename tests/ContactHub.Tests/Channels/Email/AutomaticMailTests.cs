using ContactHub.Channels.Email;
using MimeKit;

namespace ContactHub.Tests.Channels.Email;

/// <summary>Mail no person wrote, told apart by what RFC 3834 and RFC 3464 say it carries.</summary>
public sealed class AutomaticMailTests
{
    private static Func<string, string?> Headers(params (string Name, string Value)[] headers) =>
        name => headers.Where(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).FirstOrDefault();

    [Theory]
    [InlineData("ana@customer.example", "Auto-Submitted", "auto-replied", AutomaticKind.AutoReply)]
    [InlineData("ana@customer.example", "Auto-Submitted", "auto-generated", AutomaticKind.AutoReply)]
    [InlineData("ana@customer.example", "Auto-Submitted", "no", AutomaticKind.None)]
    [InlineData("ana@customer.example", "X-Autoreply", "yes", AutomaticKind.AutoReply)]
    [InlineData("ana@customer.example", "Precedence", "auto_reply", AutomaticKind.AutoReply)]
    [InlineData("ana@customer.example", "Precedence", "bulk", AutomaticKind.None)]
    [InlineData("ana@customer.example", "X-Failed-Recipients", "bob@customer.example", AutomaticKind.Bounce)]
    [InlineData("MAILER-DAEMON@mx.customer.example", "Subject", "Undelivered Mail Returned to Sender", AutomaticKind.Bounce)]
    [InlineData("postmaster@customer.example", "Subject", "Undeliverable: Your booking", AutomaticKind.Bounce)]
    [InlineData("MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@customer.example", "Subject", "Undeliverable", AutomaticKind.Bounce)]
    [InlineData("postmaster.jones@customer.example", "Subject", "Hello", AutomaticKind.None)]
    public void A_message_is_told_by_its_headers_and_sender(string from, string header, string value, AutomaticKind expected) =>
        Assert.Equal(expected, AutomaticMail.Classify(from, deliveryReport: false, Headers((header, value))));

    [Fact]
    public void A_delivery_report_names_the_email_it_returns_and_why()
    {
        var report = Reports.Bounce("<booking-1@contacthub.example>", "zoe@customer.example");

        Assert.True(AutomaticMail.IsDeliveryReport(report.Body!.ContentType));
        var failure = AutomaticMail.ReadReport(report);

        Assert.Equal(["booking-1@contacthub.example"], failure.MessageIds);
        Assert.Equal("5.1.1 smtp; 550 5.1.1 <zoe@customer.example>: Recipient address rejected: User unknown", failure.Reason);
    }

    [Fact]
    public void A_report_in_no_standard_form_gives_what_it_threads_to_and_its_subject()
    {
        var bounce = new MimeMessage { Subject = "Mail delivery failed: returning message to sender", InReplyTo = "booking-2@contacthub.example" };
        bounce.From.Add(new MailboxAddress("Mail Delivery System", "mailer-daemon@mx.customer.example"));
        bounce.Body = new TextPart("plain") { Text = "This message was created automatically by mail delivery software." };

        var failure = AutomaticMail.ReadReport(bounce);

        Assert.Equal(["booking-2@contacthub.example"], failure.MessageIds);
        Assert.Equal("Mail delivery failed: returning message to sender", failure.Reason);
    }
}

/// <summary>Delivery reports as a mail server writes them (RFC 3464: a text part, the status, the returned message's headers).</summary>
public static class Reports
{
    public static MimeMessage Bounce(string returnedMessageId, string recipient)
    {
        var bounce = new MimeMessage { Subject = "Undelivered Mail Returned to Sender", MessageId = $"{Guid.NewGuid():N}@mx.customer.example", Date = DateTimeOffset.UtcNow };
        bounce.From.Add(new MailboxAddress("Mail Delivery System", "MAILER-DAEMON@mx.customer.example"));
        bounce.To.Add(new MailboxAddress("Bookings", "bookings@airline.example"));
        var report = new MultipartReport("delivery-status") { new TextPart("plain") { Text = $"I'm sorry to have to inform you that your message could not be delivered to {recipient}." } };
        var status = new MessageDeliveryStatus();
        status.StatusGroups.Add(new HeaderList { { "Reporting-MTA", "dns; mx.customer.example" } });
        status.StatusGroups.Add(new HeaderList
        {
            { "Final-Recipient", $"rfc822; {recipient}" }, { "Action", "failed" }, { "Status", "5.1.1" },
            { "Diagnostic-Code", $"smtp; 550 5.1.1 <{recipient}>: Recipient address rejected: User unknown" },
        });
        report.Add(status);
        var returned = new MimeMessage { Subject = "Your updated booking" };
        returned.Headers.Replace(HeaderId.MessageId, returnedMessageId);
        report.Add(new TextRfc822Headers { Message = returned });
        bounce.Body = report;
        return bounce;
    }
}
