using ContactHub.AgentTeams;
using ContactHub.BusinessHours;
using ContactHub.Campaigns;
using ContactHub.Channels.Crm;
using ContactHub.Channels.Email;
using ContactHub.Channels.Graph;
using ContactHub.Channels.Twilio;
using ContactHub.Contacts;
using ContactHub.Conversations;
using ContactHub.Data;
using ContactHub.Demo;
using ContactHub.Desk;
using ContactHub.Events;
using ContactHub.FollowUps;
using ContactHub.Hosting;
using ContactHub.Outbox;
using ContactHub.Reports;
using ContactHub.Security;

InvariantCulture.Pin();          // the same numbers and text ordering on every machine, whatever its locale
HostingExtensions.WatchSettingsByPolling(); // not an inotify watch over the content root, where the database is written

// A setting of the wrong type ("Security:RequireHttps=yes please") stops start-up with one line naming it, wherever it is first read.
try
{
    // Settings come after the command words: "import /data/x.csv --Key=value" must not read the path as a "/key value" pair.
    var builder = WebApplication.CreateBuilder(CommandLine.Settings(args));

    builder.AddHosting();          // ProblemDetails, OpenAPI, telemetry, systemd / Windows service
    builder.AddData();             // the configured engine (SQLite by default), migrations, readiness
    builder.AddScheduling();       // Quartz on the configured database, clustered on the server engines
    builder.AddSecurity();         // API keys with scopes
    builder.AddEvents();           // the event log written with each change, its feed and stream, signed webhook subscriptions
    builder.AddContacts();         // recognition, identifiers, merge
    builder.AddConversations();    // recording, grouping, the idle-conversation job
    builder.AddCampaigns();        // consent per channel, follow-up campaigns and their evaluator
    builder.AddTwilio();           // SMS, WhatsApp and voice webhooks; the REST client
    builder.AddCrmConnectors();    // Dynamics 365 and Salesforce write-back, following the event log
    builder.AddBusinessHours();    // opening hours and holidays: "are we open?", business time
    builder.AddTeams();            // teams (queues) of agents, and the managers their reports go to
    builder.AddEmail();            // SMTP sending and IMAP ingest (MailKit)
    builder.AddGraph();            // Exchange Online mailboxes, sendMail, Teams PSTN calls
    builder.AddOutbox();           // durable outbound queue and its dispatcher
    builder.AddFollowUps();        // messages from a conversation, templates, follow-up tasks
    builder.AddReports();          // the report catalogue, scheduled Excel reports by email, streamed exports
    builder.AddDesk();             // the agent desk and the CRM embed (server-rendered pages, cookie sessions)
    builder.AddDemo();             // seed-demo: realistic demo data

    var app = builder.Build();

    app.UseHosting();              // exception handler, ProblemDetails for every error
    app.UseMiddleware<AbandonedRequests>(); // an abandoned request's statements are cancelled after Database:CancelAfterAbort
    app.UseSecurity();             // proxy headers, HTTPS, security headers, CORS, authentication, rate limits
    app.UseDesk();                 // anti-forgery on the desk's forms
    app.MapHosting();              // /health, /openapi, /scalar
    var api = app.MapApi();        // /api/v1: an API key or bearer token, and the scope each route's group requires
    api.MapApiKeys().MapAudit();
    api.MapInteractions().MapContacts().MapTags().MapContactAttributes().MapContactHistory().MapConsents();
    api.MapConversations().MapWrapUpCodes().MapConversationTags().MapConversationMessages().MapFollowUps();
    api.MapCampaigns().MapMessageTemplates().MapRecordings();
    api.MapReports().MapReportSchedules().MapExports().MapServiceLevels();
    api.MapEmbedTokens();
    api.MapEvents().MapEventSubscriptions().MapConnectors();
    api.MapBusinessHours().MapTeams();
    app.MapDeskPages();            // /desk (cookie session), /embed/contact (signed token)
    app.MapTwilioWebhooks();       // signed by Twilio, not by API key
    app.MapRecordingAudio();       // /recordings/{id}/audio: a signed, short-lived play link
    app.MapCsatPages();            // /csat/{token}: the survey email's links
    app.MapGraphWebhooks();        // validated by clientState

    // Administration commands (migrate, apikey …) share this configuration; no command runs the service.
    return await app.RunAsync(args);
}
catch (Exception ex) when (ConfigurationValues.Describe(ex) is { } unreadable)
{
    Console.Error.WriteLine(unreadable);
    return 2;
}

public partial class Program;
