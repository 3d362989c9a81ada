using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ContactHub.Campaigns;
using ContactHub.Data;
using ContactHub.Tests.Infrastructure;
using Dapper;

namespace ContactHub.Tests.Campaigns;

public abstract class CampaignSuite<TApp>(TApp app) : EngineSuite<TApp>(app) where TApp : CampaignApp
{
    private HttpClient Api => App.Client();

    private static long Id(JsonNode node, string field) => node[field]!.GetValue<long>();

    /// <summary>Each test works with its own campaigns only.</summary>
    private async Task<long> Campaign(object definition)
    {
        await using (var connection = await App.Get<Db>().OpenAsync())
            await connection.ExecuteAsync("UPDATE campaigns SET paused = 1");
        return Id(await Api.PostOk("/api/v1/campaigns", definition, 201), "id");
    }

    private async Task<JsonNode> MissedCall(string phone) =>
        await Api.PostOk("/api/v1/interactions", new { channel = "call", direction = "inbound", status = "missed", customer = new { phone } }, 201);

    private Task<int> Evaluate() => App.Get<CampaignEvaluator>().RunAsync();

    /// <summary>Waits until the outbox has sent (or given up on) everything due: a text that should never go out has had its chance.</summary>
    private Task OutboxDrained() => Eventually.Until(async () =>
    {
        await using var connection = await App.Get<Db>().OpenAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM outbox WHERE status = 'pending' AND next_attempt_at <= @now",
            new { now = App.Clock.GetUtcNow() }) == 0;
    }, "the outbox to send what is due");

    /// <summary>On to the next 21:25 UTC: in late November, 22:25 in Paris (the French numbers' zone), inside 21:00–08:00 quiet hours.</summary>
    private void ToLateEveningInParis()
    {
        var now = App.Clock.GetUtcNow();
        var target = now.Date.AddHours(21).AddMinutes(25);
        App.Clock.Advance((target > now.UtcDateTime ? target : target.AddDays(1)) - now.UtcDateTime);
    }

    /// <summary>The campaign's one send's status once it has moved past "queued" (and past <paramref name="whenNot"/>): the dispatcher is asynchronous.</summary>
    private async Task<string> SendStatus(long campaignId, string? whenNot = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var status = (await Sends(campaignId)).Single()["status"]!.GetValue<string>();
            if (status != "queued" && status != whenNot || DateTime.UtcNow > deadline) return status;
            await Task.Delay(50);
        }
    }

    private async Task<List<JsonNode>> Sends(long campaignId) => (await Api.GetOk($"/api/v1/campaigns/{campaignId}/sends")).AsArray().Select(n => n!).ToList();

    private async Task<List<FakeTwilio.Received>> TextsTo(string phone, int atLeast = 0)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var found = App.Twilio.Requests.Where(r => r.Form["To"].Any(t => t.EndsWith(phone, StringComparison.Ordinal))).ToList();
            if (found.Count >= atLeast || DateTime.UtcNow > deadline) return found;
            await Task.Delay(50);
        }
    }

    [SkippableFact]
    public async Task A_missed_call_not_returned_fires_after_its_delay_once_and_a_returned_call_cancels_it()
    {
        var campaign = await Campaign(new { name = "missed", trigger = "missed-call-not-returned", parameters = new { minutes = 30 }, channel = "sms", body = "Sorry we missed your call." });
        var (waiting, returned) = (Customers.Phone(), Customers.Phone());
        await MissedCall(waiting);
        await MissedCall(returned);
        App.Clock.Advance(TimeSpan.FromMinutes(10));
        await Api.PostOk("/api/v1/interactions", new { channel = "call", direction = "outbound", customer = new { phone = returned }, status = "completed" }, 201);

        var early = await Evaluate();
        App.Clock.Advance(TimeSpan.FromMinutes(21));
        await Evaluate();
        var again = await Evaluate();

        Assert.Equal(0, early);
        Assert.Single(await TextsTo(waiting, 1));
        Assert.Empty(await TextsTo(returned));
        // Once Twilio took it, the send says so, as the stats do (it used to stay "queued" for ever).
        Assert.Equal("sent", await SendStatus(campaign));
        Assert.Equal(0, again);
        var stats = await Api.GetOk($"/api/v1/campaigns/{campaign}/stats");
        Assert.Equal(1, stats["triggered"]!.GetValue<long>());
        Assert.Equal(1, stats["sent"]!.GetValue<long>());

        // An automatic reply (out of office) is no reply; the customer's own is. (Five minutes on, without moving the clock that
        // every test's deferred messages wait on.)
        var later = App.Clock.GetUtcNow().AddMinutes(5).ToString("O");
        await Api.PostOk("/api/v1/interactions", new { channel = "email", direction = "inbound", customer = new { phone = waiting, email = Customers.Email() }, status = "auto-replied", subject = "Out of office", occurredAt = later }, 201);
        Assert.Equal(0, (await Api.GetOk($"/api/v1/campaigns/{campaign}/stats"))["repliedWithin72h"]!.GetValue<long>());
        await Api.PostOk("/api/v1/interactions", new { channel = "sms", direction = "inbound", customer = new { phone = waiting }, body = "Call me at five", occurredAt = later }, 201);
        Assert.Equal(1, (await Api.GetOk($"/api/v1/campaigns/{campaign}/stats"))["repliedWithin72h"]!.GetValue<long>());
    }

    [SkippableFact]
    public async Task A_send_whose_message_twilio_refuses_says_failed_and_why()
    {
        var campaign = await Campaign(new { name = "refused", trigger = "missed-call-not-returned", parameters = new { minutes = 30 }, channel = "sms", body = "Sorry we missed your call." });
        var phone = Customers.Phone();
        await MissedCall(phone);
        App.Clock.Advance(TimeSpan.FromMinutes(31));
        App.Twilio.EnqueueFor(phone, 400, FakeTwilio.Error(21211, "The 'To' number is not a valid phone number.", 400));

        await Evaluate();

        Assert.Equal("failed", await SendStatus(campaign));
        var send = Assert.Single(await Sends(campaign));
        // The owner sees why without opening the contact's timeline (the reason was empty once the message was queued).
        Assert.Contains("21211", send["reason"]!.GetValue<string>());
    }

    [SkippableFact]
    public async Task A_preview_says_from_when_activity_counts_so_that_an_empty_one_is_understood()
    {
        // A missed call an hour before the campaign exists: never acted on, and the preview says from when it looks.
        var before = Id(await MissedCall(Customers.Phone()), "contactId");
        App.Clock.Advance(TimeSpan.FromHours(1));
        var campaign = await Campaign(new { name = "after-the-fact", trigger = "missed-call-not-returned", parameters = new { minutes = 30 }, channel = "sms", body = "We missed you." });
        var after = Id(await MissedCall(Customers.Phone()), "contactId");
        App.Clock.Advance(TimeSpan.FromMinutes(31));

        var preview = await Api.PostOk($"/api/v1/campaigns/{campaign}/preview", new { });
        var created = (await Api.GetOk($"/api/v1/campaigns/{campaign}"))["createdAt"]!.GetValue<DateTimeOffset>();
        Assert.Equal(created.AddTicks(-(created.Ticks % 10)), preview["activitySince"]!.GetValue<DateTimeOffset>()); // kept to the microsecond
        Assert.DoesNotContain(before, preview["targeted"]!.AsArray().Concat(preview["excluded"]!.AsArray()).Select(d => Id(d!, "contactId")));

        // Acted on: the call after it, never the one before (the preview leaves out what an evaluation, here or in the
        // background, has already acted on, so the sends are where both show).
        await Evaluate();
        Assert.Equal([after], (await Sends(campaign)).Select(s => Id(s, "contactId")));
    }

    [SkippableFact]
    public async Task A_partial_update_never_resets_what_it_does_not_name()
    {
        var campaign = await Campaign(new
        {
            name = "careful", trigger = "missed-call-not-returned", parameters = new { minutes = 30 }, channel = "sms", body = "We missed you.",
            quietStart = "21:00", quietEnd = "08:00", capCount = 1, capDays = 7,
        });
        await Api.PostOk($"/api/v1/campaigns/{campaign}/preview", new { });
        var paused = await Api.PatchAsJsonAsync($"/api/v1/campaigns/{campaign}", new { paused = true });
        await paused.Expect(200);

        // PUT without the settings it would reset is refused, naming them; PATCH changes only what it names.
        var put = await Api.PutAsJsonAsync($"/api/v1/campaigns/{campaign}", new { name = "careful", trigger = "missed-call-not-returned", channel = "sms", body = "New text" });
        var problem = await put.Expect(400);
        Assert.NotNull(problem["errors"]!["paused"]);
        Assert.NotNull(problem["errors"]!["quietStart"]);
        var patched = await (await Api.PatchAsJsonAsync($"/api/v1/campaigns/{campaign}", new { body = "New text" })).Expect(200);

        Assert.Equal("New text", patched["body"]!.GetValue<string>());
        Assert.True(patched["paused"]!.GetValue<bool>());
        Assert.Equal("21:00", patched["quietStart"]!.GetValue<string>());
        Assert.Equal(1, patched["capCount"]!.GetValue<long>());
        Assert.Equal(30, patched["parameters"]!["minutes"]!.GetValue<long>());
    }

    [SkippableFact]
    public async Task The_audience_keeps_gold_customers_not_tagged_do_not_call_whose_last_conversation_was_a_complaint_and_says_why_others_are_left_out()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var (tier, complaint) = ($"tier_{suffix}", $"complaint-{suffix}");
        await App.Client("admin").PostOk("/api/v1/contact-attributes", new { key = tier, type = "one-of", values = new[] { "gold", "silver" } }, 201);
        await App.Client("admin").PostOk("/api/v1/wrap-up-codes", new { code = complaint, labels = new Dictionary<string, string> { ["en"] = "Complaint" } }, 201);
        var campaign = await Campaign(new
        {
            name = "gold complaints", trigger = "missed-call-not-returned", channel = "sms", body = "Sorry we missed you",
            parameters = new { minutes = 0, audience = new { attributes = new Dictionary<string, string> { [tier] = "gold" }, notTags = new[] { "do-not-call" }, lastWrapUp = new[] { complaint } } },
        });

        async Task<long> Customer(string level, string? tag, bool complained)
        {
            var phone = Customers.Phone();
            var chat = await Api.PostOk("/api/v1/interactions", new
            {
                channel = "chat", direction = "inbound", customer = new { phone, attributes = new Dictionary<string, string> { [tier] = level } },
            }, 201);
            await Api.PostOk($"/api/v1/conversations/{Id(chat, "conversationId")}/end", new { wrapUpCodes = complained ? new[] { complaint } : Array.Empty<string>() });
            if (tag is not null) await Api.PostOk($"/api/v1/contacts/{Id(chat, "contactId")}/tags", new { tags = new[] { tag } });
            await MissedCall(phone);
            return Id(chat, "contactId");
        }
        var (inside, silver, doNotCall, noComplaint) =
            (await Customer("gold", null, true), await Customer("silver", null, true), await Customer("gold", "do-not-call", true), await Customer("gold", null, false));
        App.Clock.Advance(TimeSpan.FromMinutes(1));

        var preview = await Api.PostOk($"/api/v1/campaigns/{campaign}/preview", new { });
        string? Reason(long contactId) => preview["excluded"]!.AsArray().SingleOrDefault(d => Id(d!, "contactId") == contactId)?["reason"]?.GetValue<string>();
        Assert.Equal([inside], preview["targeted"]!.AsArray().Select(d => Id(d!, "contactId")));
        Assert.Equal($"audience: {tier} is silver, not gold", Reason(silver));
        Assert.Equal("audience: tagged do-not-call", Reason(doNotCall));
        Assert.StartsWith("audience: last conversation has no wrap-up code", Reason(noComplaint));

        var bad = await (await Api.PostAsJsonAsync("/api/v1/campaigns", new
        {
            name = "bad audience", trigger = "missed-call-not-returned", channel = "sms", body = "x",
            parameters = new { audience = new { attributes = new Dictionary<string, string> { [tier] = "bronze", ["nope"] = "x" }, tags = new[] { "Not Normal" } } },
        })).Expect(400);
        Assert.NotNull(bad["errors"]![$"parameters.audience.attributes.{tier}"]);
        Assert.NotNull(bad["errors"]!["parameters.audience.attributes.nope"]);
        Assert.NotNull(bad["errors"]!["parameters.audience.tags"]);
    }

    [SkippableFact]
    public async Task An_opted_out_number_is_never_texted_even_when_stop_arrives_between_preview_and_send()
    {
        var campaign = await Campaign(new { name = "optout", trigger = "missed-call-not-returned", parameters = new { minutes = 0 }, channel = "sms", body = "We tried to reach you." });
        var (stopped, stopsLater) = (Customers.Phone(), Customers.Phone());
        var first = await MissedCall(stopped);
        await (await Api.PutAsJsonAsync($"/api/v1/contacts/{Id(first, "contactId")}/consents/sms", new { status = "opted_out" })).Expect(200);
        var second = await MissedCall(stopsLater);
        App.Clock.Advance(TimeSpan.FromMinutes(1));

        var preview = await Api.PostOk($"/api/v1/campaigns/{campaign}/preview", new { });
        await (await Api.PutAsJsonAsync($"/api/v1/contacts/{Id(second, "contactId")}/consents/sms", new { status = "opted_out" })).Expect(200);
        await Evaluate();

        Assert.Contains(preview["excluded"]!.AsArray(), d => Id(d!, "contactId") == Id(first, "contactId") && d!["reason"]!.GetValue<string>() == "opted out of sms");
        Assert.Contains(preview["targeted"]!.AsArray(), d => Id(d!, "contactId") == Id(second, "contactId"));
        await OutboxDrained();
        Assert.Empty(await TextsTo(stopped));
        Assert.Empty(await TextsTo(stopsLater));
        Assert.All(await Sends(campaign), s => Assert.Equal("skipped", s["status"]!.GetValue<string>()));
    }

    [SkippableFact]
    public async Task A_trigger_in_quiet_hours_is_deferred_to_the_windows_opening_in_the_contacts_time_zone()
    {
        var campaign = await Campaign(new
        {
            name = "quiet", trigger = "missed-call-not-returned", parameters = new { minutes = 30 }, channel = "sms", body = "Good morning, sorry we missed you.",
            quietStart = "21:00", quietEnd = "08:00",
        });
        ToLateEveningInParis();
        var phone = Customers.Phone();
        await MissedCall(phone);

        App.Clock.Advance(TimeSpan.FromMinutes(35)); // 23:00 Paris
        await Evaluate();
        var deferred = (await Sends(campaign)).Single();
        var opening = deferred["scheduledFor"]!.GetValue<DateTimeOffset>();
        App.Clock.SetUtcNow(opening.AddMinutes(-1));
        await Evaluate();
        var stillQuiet = await TextsTo(phone);
        App.Clock.SetUtcNow(opening);
        await Evaluate();

        Assert.Equal("deferred", deferred["status"]!.GetValue<string>());
        Assert.Equal(new TimeSpan(8, 0, 0), TimeZoneInfo.ConvertTime(opening, TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris")).TimeOfDay);
        Assert.Empty(stillQuiet);
        Assert.Single(await TextsTo(phone, 1));
        Assert.Equal("sent", await SendStatus(campaign, whenNot: "deferred"));
    }

    [SkippableFact]
    public async Task A_message_deferred_by_quiet_hours_goes_out_at_the_opening_under_a_cap_of_one()
    {
        // The README's own campaign: quiet hours and at most one message a week. The deferred text counted itself against
        // the cap when it came due ("frequency cap: 1 per 7 days") and was never sent.
        var campaign = await Campaign(new
        {
            name = "quiet-capped", trigger = "missed-call-not-returned", parameters = new { minutes = 30 }, channel = "sms", body = "Good morning, sorry we missed you.",
            quietStart = "21:00", quietEnd = "08:00", capCount = 1, capDays = 7,
        });
        ToLateEveningInParis();
        var phone = Customers.Phone();
        await MissedCall(phone);
        App.Clock.Advance(TimeSpan.FromMinutes(35));
        await Evaluate();
        var deferred = (await Sends(campaign)).Single();
        Assert.Equal("deferred", deferred["status"]!.GetValue<string>());

        App.Clock.SetUtcNow(deferred["scheduledFor"]!.GetValue<DateTimeOffset>());
        await Evaluate();

        Assert.Single(await TextsTo(phone, 1));
        Assert.Equal("sent", await SendStatus(campaign, whenNot: "deferred"));
    }

    [SkippableFact]
    public async Task Preview_applies_the_cap_to_a_customer_who_triggers_twice_as_the_evaluation_does()
    {
        var campaign = await Campaign(new { name = "twice", trigger = "missed-call-not-returned", parameters = new { minutes = 0 }, channel = "sms", body = "Call us back?", capCount = 1, capDays = 7 });
        // The suite's other campaigns share this app; one on the same trigger, decided first in the pass, would take the customer
        // under the cap (as the evaluation would): this one alone is asked about (it failed on PostgreSQL when they ran before it).
        foreach (var other in (await Api.GetOk("/api/v1/campaigns")).AsArray().Select(c => Id(c!, "id")).Where(id => id != campaign))
            await (await Api.PatchAsJsonAsync($"/api/v1/campaigns/{other}", new { paused = true })).Expect(200);
        var phone = Customers.Phone();
        var first = await MissedCall(phone);
        App.Clock.Advance(TimeSpan.FromSeconds(5));
        await MissedCall(phone);
        App.Clock.Advance(TimeSpan.FromMinutes(1));

        var preview = await Api.PostOk($"/api/v1/campaigns/{campaign}/preview", new { });
        await Evaluate();

        var contactId = Id(first, "contactId");
        Assert.Single(preview["targeted"]!.AsArray(), d => Id(d!, "contactId") == contactId);
        var capped = Assert.Single(preview["excluded"]!.AsArray(), d => Id(d!, "contactId") == contactId);
        Assert.StartsWith("frequency cap", capped!["reason"]!.GetValue<string>());
        Assert.Single(await TextsTo(phone, 1));
        Assert.Equal(["queued", "skipped"], (await Sends(campaign)).Where(s => Id(s, "contactId") == contactId).Select(s => s["status"]!.GetValue<string>() == "skipped" ? "skipped" : "queued").Order());
    }

    [SkippableFact]
    public async Task A_frequency_cap_holds_across_two_campaigns_and_preview_matches_what_is_sent()
    {
        await Campaign(new { name = "ended", trigger = "conversation-ended", parameters = new { minutes = 0 }, channel = "sms", body = "How did we do?", capCount = 1, capDays = 7 });
        var second = Id(await Api.PostOk("/api/v1/campaigns", new { name = "missed-too", trigger = "missed-call-not-returned", parameters = new { minutes = 0 }, channel = "sms", body = "Call us back?", capCount = 1, capDays = 7 }, 201), "id");
        var phone = Customers.Phone();
        var call = await MissedCall(phone);
        await Api.PostOk($"/api/v1/conversations/{Id(call, "conversationId")}/end", new { });
        App.Clock.Advance(TimeSpan.FromMinutes(1));

        var previews = new List<JsonNode>();
        foreach (var c in (await Api.GetOk("/api/v1/campaigns")).AsArray().Where(c => !c!["paused"]!.GetValue<bool>()))
            previews.Add(await Api.PostOk($"/api/v1/campaigns/{c!["id"]}/preview", new { }));
        await Evaluate();

        Assert.Single(await TextsTo(phone, 1));
        var previewTargeted = previews.SelectMany(p => p["targeted"]!.AsArray()).Count(d => Id(d!, "contactId") == Id(call, "contactId"));
        Assert.Equal(2, previewTargeted); // each campaign alone would send; together the cap lets one through
        var skipped = (await Sends(second)).Concat(await Sends(second - 1))
            .Where(s => s["status"]!.GetValue<string>() == "skipped" && Id(s, "contactId") == Id(call, "contactId")).ToList(); // this customer's, whatever earlier tests left
        Assert.Single(skipped);
        Assert.StartsWith("frequency cap", skipped[0]["reason"]!.GetValue<string>());
    }

    [SkippableFact]
    public async Task Inactive_customers_and_overdue_follow_ups_trigger_their_actions()
    {
        var inactive = await Campaign(new { name = "inactive", trigger = "inactive-customer", parameters = new { days = 30, minConversations = 2 }, action = "follow-up", assignTo = "retention-team" });
        var phone = Customers.Phone();
        await Api.PostOk("/api/v1/interactions", new { channel = "sms", direction = "inbound", customer = new { phone }, occurredAt = App.Clock.GetUtcNow().AddDays(-60) }, 201);
        var last = await Api.PostOk("/api/v1/interactions", new { channel = "call", direction = "inbound", customer = new { phone }, occurredAt = App.Clock.GetUtcNow().AddDays(-40) }, 201);

        await Evaluate();
        await Evaluate();

        var tasks = await Api.GetOk($"/api/v1/follow-ups?contactId={Id(last, "contactId")}");
        Assert.Single(tasks.AsArray());
        Assert.Equal("retention-team", tasks[0]!["assignedTo"]!.GetValue<string>());
        Assert.Single(await Sends(inactive));
    }

    [SkippableFact]
    public async Task A_campaign_tied_to_business_hours_waits_for_the_centre_to_open()
    {
        string[][] nine = [["09:00", "18:00"]];
        var calendar = "office-" + Guid.NewGuid().ToString("N")[..6];
        await Api.PostOk("/api/v1/business-hours", new
        {
            name = calendar, timeZone = "Europe/Paris",
            weekly = new Dictionary<string, string[][]> { ["monday"] = nine, ["tuesday"] = nine, ["wednesday"] = nine, ["thursday"] = nine, ["friday"] = nine },
        }, 201);
        var unknown = await Api.PostAsJsonAsync("/api/v1/campaigns", new { name = "x", trigger = "missed-call-not-returned", channel = "sms", body = "x", businessHours = "nowhere" });
        Assert.NotNull((await unknown.Expect(400))["errors"]!["businessHours"]);

        // Saturday morning in Paris, the week after this test was written (whatever today is, the clock only moves forward).
        var saturday = DateTimeOffset.Parse("2026-12-05T10:00:00+01:00");
        if (App.Clock.GetUtcNow() < saturday) App.Clock.SetUtcNow(saturday.ToUniversalTime()); // a clock holds UTC (PostgreSQL takes nothing else)
        else App.Clock.Advance(TimeSpan.FromDays(7 - ((int)TimeZoneInfo.ConvertTime(App.Clock.GetUtcNow(), TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris")).DayOfWeek + 1) % 7));
        var campaign = await Campaign(new { name = "call back when open", trigger = "missed-call-not-returned", parameters = new { minutes = 0 }, channel = "sms",
            body = "We are open again - call us back.", businessHours = calendar });
        Assert.Equal(calendar, (await Api.GetOk($"/api/v1/campaigns/{campaign}"))["businessHours"]!.GetValue<string>());
        var phone = Customers.Phone();
        await MissedCall(phone);
        App.Clock.Advance(TimeSpan.FromSeconds(1));

        await Evaluate();
        var send = (await Sends(campaign)).Single();
        Assert.Equal("deferred", send["status"]!.GetValue<string>());
        Assert.Contains(calendar, send["reason"]!.GetValue<string>());
        var opening = send["scheduledFor"]!.GetValue<DateTimeOffset>();
        var local = TimeZoneInfo.ConvertTime(opening, TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris"));
        Assert.Equal((DayOfWeek.Monday, 9, 0), (local.DayOfWeek, local.Hour, local.Minute));
        Assert.Empty(await TextsTo(phone));

        App.Clock.SetUtcNow(opening.AddMinutes(1).ToUniversalTime());
        await Evaluate();
        Assert.Single(await TextsTo(phone, atLeast: 1));
    }

    [SkippableFact]
    public async Task Bad_campaign_definitions_name_the_field()
    {
        var cases = new (object Body, string Field)[]
        {
            (new { name = "x", trigger = "full-moon", channel = "sms", body = "x" }, "trigger"),
            (new { name = "x", trigger = "missed-call-not-returned", channel = "pigeon", body = "x" }, "channel"),
            (new { name = "x", trigger = "missed-call-not-returned", channel = "sms" }, "body"),
            (new { name = "x", trigger = "inactive-customer", channel = "sms", body = "x" }, "parameters.days"),
            (new { name = "x", trigger = "missed-call-not-returned", channel = "sms", body = "x", quietStart = "25:00", quietEnd = "08:00" }, "quietStart"),
            (new { name = "x", trigger = "missed-call-not-returned", channel = "sms", body = "x", capCount = 1 }, "capCount"),
            (new { name = "x", trigger = "missed-call-not-returned", action = "csat", channel = "sms" }, "trigger"),
            (new { name = "x", trigger = "conversation-ended", action = "csat", channel = "email" }, "channel"), // no Csat:PublicBaseUrl here
            (new { name = "x", trigger = "conversation-ended", action = "send", channel = "email", contentTemplate = "t" }, "contentTemplate"),
            (new { name = "x", trigger = "conversation-ended", action = "cheer", channel = "sms", body = "x" }, "action"),
        };
        foreach (var (body, field) in cases)
        {
            var problem = await (await Api.PostAsJsonAsync("/api/v1/campaigns", body)).Expect(400);
            Assert.True(problem["errors"]?[field] is not null, $"expected an error for {field}: {problem.ToJsonString()}");
        }
    }
}

public sealed class CampaignsOnSqlite(CampaignSqliteApp app) : CampaignSuite<CampaignSqliteApp>(app);

public sealed class CampaignsOnPostgres(CampaignPostgresApp app) : CampaignSuite<CampaignPostgresApp>(app);
