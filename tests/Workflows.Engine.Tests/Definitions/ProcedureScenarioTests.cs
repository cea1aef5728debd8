using System.Text.Json.Nodes;
using Workflows.Engine.Definitions;
using Workflows.Engine.InMemory;
using Workflows.Engine.Runtime;
using Workflows.Engine.Tests.Runtime;

namespace Workflows.Engine.Tests.Definitions;

/// <summary>
/// Every procedure of the repository's catalogue (definitions/procedures) run by the engine on its in-memory host, as
/// officers would work it: a dossier through the main path and at least one through a branch (a supplement, a refusal, a
/// return to the previous step, a tax payment that never comes, a commune that will not confirm). Each action names the
/// department whose queue holds the task, so a step routed to the wrong department fails the scenario.
/// </summary>
public sealed class ProcedureScenarioTests
{
    /// <summary>
    /// Actions: "department:outcome" completes the one open task of that department's queue (in the dossier or in a
    /// sub-process it started); "signal:taxPaid" is the tax system's payment notice; "signal:supplementReceived" is the
    /// applicant's supplement; "timers" lets every timer fall due (90 days later).
    /// </summary>
    private static readonly List<Scenario> Table = [];

    static ProcedureScenarioTests()
    {
        // The samples the README and the Host's walkthrough use.
        Add("1.004194", "main path", """{"residenceOwnership":"owner"}""", EndResult.Issued, "police:approved", "police:approved", "police:approved");
        Add("1.004194", "supplement requested at review", """{"residenceOwnership":"owner"}""", EndResult.Issued, "police:approved", "police:needsSupplement", "signal:supplementReceived", "police:approved", "police:approved");
        Add("1.004194", "tenant verified then refused at review", """{"residenceOwnership":"tenant"}""", EndResult.Refused, "police:approved", "police:approved", "police:rejected");
        Add("1.009994", "main path", """{"floorArea":120}""", EndResult.Issued, "one-stop-desk:approved", "urban-management:approved", "urban-management:approved", "leadership:approved", "one-stop-desk:approved");
        Add("1.009994", "site inspection for a large house", """{"floorArea":300}""", EndResult.Issued, "one-stop-desk:approved", "urban-management:approved", "urban-management:approved", "urban-management:approved", "leadership:approved", "one-stop-desk:approved");
        Add("1.009994", "supplement requested at review", """{"floorArea":120}""", EndResult.Issued, "one-stop-desk:approved", "urban-management:needsSupplement", "signal:supplementReceived", "urban-management:approved", "urban-management:approved", "leadership:approved", "one-stop-desk:approved");
        Add("1.009994", "refused at review", """{"floorArea":120}""", EndResult.Refused, "one-stop-desk:approved", "urban-management:rejected");
        Add("1.012758", "main path", null, EndResult.Issued, "one-stop-desk:approved", "commune:approved", "land-registry:approved", "land-registry:approved", "tax-office:approved", "signal:taxPaid", "land-registry:approved", "land-management:approved", "leadership:approved", "land-registry:approved", "one-stop-desk:approved");
        Add("1.012758", "tax not paid in time", null, EndResult.Stopped, "one-stop-desk:approved", "commune:approved", "land-registry:approved", "land-registry:approved", "tax-office:approved", "timers");
        Add("1.012758", "refused at eligibility", null, EndResult.Refused, "one-stop-desk:approved", "land-registry:approved", "commune:approved", "land-registry:rejected");
        Add("1.012758", "withdrawn at eligibility", null, EndResult.Withdrawn, "one-stop-desk:approved", "commune:approved", "land-registry:approved", "land-registry:withdrawn");
        Add("1.013131", "main path", """{"residenceOwnership":"owner"}""", EndResult.Issued, "one-stop-desk:approved", "commune:approved", "commune:approved", "social-insurance:approved", "police:approved", "police:approved", "police:approved", "one-stop-desk:approved");
        Add("1.013131", "refused at birth registration", null, EndResult.Refused, "one-stop-desk:approved", "commune:rejected");

        // The city catalogue.
        Add("1.004873", "main path", null, EndResult.Issued, "one-stop-desk:approved", "commune:approved", "commune:approved", "one-stop-desk:approved");
        Add("1.004873", "supplement requested at review", null, EndResult.Issued, "one-stop-desk:approved", "commune:needsSupplement", "signal:supplementReceived", "commune:approved", "commune:approved", "one-stop-desk:approved");
        Add("1.004873", "refused at review", null, EndResult.Refused, "one-stop-desk:approved", "commune:rejected");
        Add("VD-HT-001", "main path", "{\"needsVerification\": false}", EndResult.Issued, "one-stop-desk:approved", "commune:approved", "commune:approved", "one-stop-desk:approved");
        Add("VD-HT-001", "decision needsVerification = true", "{\"needsVerification\": true}", EndResult.Issued, "one-stop-desk:approved", "commune:approved", "commune:approved", "commune:approved", "one-stop-desk:approved");
        Add("VD-HT-001", "refused at review", "{\"needsVerification\": false}", EndResult.Refused, "one-stop-desk:approved", "commune:rejected");
        Add("VD-HT-002", "main path", null, EndResult.Issued, "one-stop-desk:approved", "commune:approved", "commune:approved", "police:approved", "social-insurance:approved", "one-stop-desk:approved");
        Add("VD-HT-002", "supplement requested at deathRegistration", null, EndResult.Issued, "one-stop-desk:approved", "commune:needsSupplement", "signal:supplementReceived", "commune:approved", "commune:approved", "police:approved", "social-insurance:approved", "one-stop-desk:approved");
        Add("VD-HT-002", "refused at deathRegistration", null, EndResult.Refused, "one-stop-desk:approved", "commune:rejected");
        Add("VD-HT-003", "main path", null, EndResult.Issued, "one-stop-desk:approved", "commune:approved", "commune:approved", "one-stop-desk:approved");
        Add("VD-HT-003", "returned from signing", null, EndResult.Issued, "one-stop-desk:approved", "commune:approved", "commune:returnToPrevious", "commune:approved", "commune:approved", "one-stop-desk:approved");
        Add("VD-HT-003", "refused at review", null, EndResult.Refused, "one-stop-desk:approved", "commune:rejected");
        Add("VD-CT-001", "main path", null, EndResult.Issued, "police:approved", "police:approved", "police:approved");
        Add("VD-CT-001", "supplement requested at review", null, EndResult.Issued, "police:approved", "police:needsSupplement", "signal:supplementReceived", "police:approved", "police:approved");
        Add("VD-CT-001", "refused at review", null, EndResult.Refused, "police:approved", "police:rejected");
        Add("VD-CT-002", "main path", null, EndResult.Issued, "police:approved", "police:approved", "police:approved", "police:approved");
        Add("VD-CT-002", "supplement requested at verify", null, EndResult.Issued, "police:approved", "police:needsSupplement", "signal:supplementReceived", "police:approved", "police:approved", "police:approved");
        Add("VD-CT-002", "refused at verify", null, EndResult.Refused, "police:approved", "police:rejected");
        Add("VD-CT-003", "main path", null, EndResult.Issued, "police:approved", "police:approved");
        Add("VD-CT-003", "returned from approval", null, EndResult.Issued, "police:approved", "police:returnToPrevious", "police:approved", "police:approved");
        Add("VD-CT-003", "refused at review", null, EndResult.Refused, "police:rejected");
        Add("VD-LLTP-001", "main path", null, EndResult.Issued, "one-stop-desk:approved", "justice:approved", "city-police:approved", "commune:approved", "justice:approved", "leadership:approved", "one-stop-desk:approved");
        Add("VD-LLTP-001", "supplement requested at lookup", null, EndResult.Issued, "one-stop-desk:approved", "justice:needsSupplement", "signal:supplementReceived", "justice:approved", "city-police:approved", "commune:approved", "justice:approved", "leadership:approved", "one-stop-desk:approved");
        Add("VD-LLTP-001", "refused at draft", null, EndResult.Refused, "one-stop-desk:approved", "justice:approved", "city-police:approved", "commune:approved", "justice:rejected");
        Add("VD-LLTP-002", "main path", null, EndResult.Issued, "one-stop-desk:approved", "justice:approved", "city-police:approved", "police:approved", "justice:approved", "leadership:approved", "one-stop-desk:approved");
        Add("VD-LLTP-002", "supplement requested at lookup", null, EndResult.Issued, "one-stop-desk:approved", "justice:needsSupplement", "signal:supplementReceived", "justice:approved", "city-police:approved", "police:approved", "justice:approved", "leadership:approved", "one-stop-desk:approved");
        Add("VD-LLTP-002", "refused at draft", null, EndResult.Refused, "one-stop-desk:approved", "justice:approved", "city-police:approved", "police:approved", "justice:rejected");
        Add("VD-XD-001", "main path", null, EndResult.Issued, "one-stop-desk:approved", "urban-management:approved", "fire-police:approved", "agriculture-environment:approved", "urban-management:approved", "urban-management:approved", "leadership:approved", "one-stop-desk:approved");
        Add("VD-XD-001", "supplement requested at review", null, EndResult.Issued, "one-stop-desk:approved", "urban-management:needsSupplement", "signal:supplementReceived", "urban-management:approved", "fire-police:approved", "agriculture-environment:approved", "urban-management:approved", "urban-management:approved", "leadership:approved", "one-stop-desk:approved");
        Add("VD-XD-001", "refused at draft", null, EndResult.Refused, "one-stop-desk:approved", "urban-management:approved", "fire-police:approved", "agriculture-environment:approved", "urban-management:rejected");
        Add("VD-XD-002", "main path", null, EndResult.Issued, "one-stop-desk:approved", "urban-management:approved", "urban-management:approved", "leadership:approved", "one-stop-desk:approved");
        Add("VD-XD-002", "returned from officeApproval", null, EndResult.Issued, "one-stop-desk:approved", "urban-management:approved", "urban-management:returnToPrevious", "urban-management:approved", "urban-management:approved", "leadership:approved", "one-stop-desk:approved");
        Add("VD-XD-002", "refused at review", null, EndResult.Refused, "one-stop-desk:approved", "urban-management:rejected");
        Add("VD-XD-003", "main path", null, EndResult.Issued, "one-stop-desk:approved", "construction:approved", "construction:approved", "leadership:approved", "one-stop-desk:approved");
        Add("VD-XD-003", "supplement requested at review", null, EndResult.Issued, "one-stop-desk:approved", "construction:needsSupplement", "signal:supplementReceived", "construction:approved", "construction:approved", "leadership:approved", "one-stop-desk:approved");
        Add("VD-XD-003", "refused at council", null, EndResult.Refused, "one-stop-desk:approved", "construction:approved", "construction:rejected");
        Add("VD-DD-001", "main path", null, EndResult.Issued, "one-stop-desk:approved", "land-registry:approved", "tax-office:approved", "signal:taxPaid", "land-registry:approved", "land-registry:approved", "one-stop-desk:approved");
        Add("VD-DD-001", "tax not paid in time", null, EndResult.Stopped, "one-stop-desk:approved", "land-registry:approved", "tax-office:approved", "timers");
        Add("VD-DD-001", "refused at check", null, EndResult.Refused, "one-stop-desk:approved", "land-registry:rejected");
        Add("VD-XN-001", "main path", null, EndResult.Issued, "commune:approved", "commune:approved");
        Add("VD-XN-001", "returned from communeSigning", null, EndResult.Issued, "commune:approved", "commune:returnToPrevious", "commune:approved", "commune:approved");
        Add("VD-XN-001", "refused at communeCheck", null, EndResult.Refused, "commune:rejected");
        Add("VD-DD-002", "main path", null, EndResult.Issued, "one-stop-desk:approved", "land-management:approved", "commune:approved", "commune:approved", "tax-office:approved", "signal:taxPaid", "leadership:approved", "land-registry:approved", "one-stop-desk:approved");
        Add("VD-DD-002", "commune refuses to confirm", null, EndResult.Refused, "one-stop-desk:approved", "land-management:approved", "commune:rejected");
        Add("VD-DD-002", "tax not paid in time", null, EndResult.Stopped, "one-stop-desk:approved", "land-management:approved", "commune:approved", "commune:approved", "tax-office:approved", "timers");
        Add("VD-DD-002", "supplement requested at review", null, EndResult.Issued, "one-stop-desk:approved", "land-management:needsSupplement", "signal:supplementReceived", "land-management:approved", "commune:approved", "commune:approved", "tax-office:approved", "signal:taxPaid", "leadership:approved", "land-registry:approved", "one-stop-desk:approved");
        Add("VD-DD-003", "main path", null, EndResult.Issued, "one-stop-desk:approved", "land-registry:approved", "land-registry:approved", "land-registry:approved", "one-stop-desk:approved");
        Add("VD-DD-003", "supplement requested at check", null, EndResult.Issued, "one-stop-desk:approved", "land-registry:needsSupplement", "signal:supplementReceived", "land-registry:approved", "land-registry:approved", "land-registry:approved", "one-stop-desk:approved");
        Add("VD-DD-003", "returned from signing", null, EndResult.Issued, "one-stop-desk:approved", "land-registry:approved", "land-registry:returnToPrevious", "land-registry:approved", "land-registry:approved", "land-registry:approved", "one-stop-desk:approved");
        Add("VD-DD-004", "main path", null, EndResult.Issued, "one-stop-desk:approved", "land-registry:approved", "land-registry:approved", "one-stop-desk:approved");
        Add("VD-DD-004", "supplement requested at register", null, EndResult.Issued, "one-stop-desk:approved", "land-registry:needsSupplement", "signal:supplementReceived", "land-registry:approved", "land-registry:approved", "one-stop-desk:approved");
        Add("VD-DD-004", "refused at register", null, EndResult.Refused, "one-stop-desk:approved", "land-registry:rejected");
        Add("VD-DN-001", "main path", null, EndResult.Issued, "one-stop-desk:approved", "business-registration:approved", "business-registration:approved", "one-stop-desk:approved");
        Add("VD-DN-001", "supplement requested at review", null, EndResult.Issued, "one-stop-desk:approved", "business-registration:needsSupplement", "signal:supplementReceived", "business-registration:approved", "business-registration:approved", "one-stop-desk:approved");
        Add("VD-DN-001", "refused at review", null, EndResult.Refused, "one-stop-desk:approved", "business-registration:rejected");
        Add("VD-DN-002", "main path", null, EndResult.Issued, "one-stop-desk:approved", "business-registration:approved", "business-registration:approved", "one-stop-desk:approved");
        Add("VD-DN-002", "supplement requested at review", null, EndResult.Issued, "one-stop-desk:approved", "business-registration:needsSupplement", "signal:supplementReceived", "business-registration:approved", "business-registration:approved", "one-stop-desk:approved");
        Add("VD-DN-002", "refused at review", null, EndResult.Refused, "one-stop-desk:approved", "business-registration:rejected");
        Add("VD-DN-003", "main path", null, EndResult.Issued, "one-stop-desk:approved", "business-registration:approved", "business-registration:approved", "one-stop-desk:approved");
        Add("VD-DN-003", "supplement requested at review", null, EndResult.Issued, "one-stop-desk:approved", "business-registration:needsSupplement", "signal:supplementReceived", "business-registration:approved", "business-registration:approved", "one-stop-desk:approved");
        Add("VD-DN-003", "refused at review", null, EndResult.Refused, "one-stop-desk:approved", "business-registration:rejected");
        Add("VD-DN-004", "main path", null, EndResult.Issued, "one-stop-desk:approved", "commune-culture-social:approved", "commune:approved", "one-stop-desk:approved");
        Add("VD-DN-004", "supplement requested at review", null, EndResult.Issued, "one-stop-desk:approved", "commune-culture-social:needsSupplement", "signal:supplementReceived", "commune-culture-social:approved", "commune:approved", "one-stop-desk:approved");
        Add("VD-DN-004", "refused at review", null, EndResult.Refused, "one-stop-desk:approved", "commune-culture-social:rejected");
        Add("VD-DT-001", "main path", null, EndResult.Issued, "one-stop-desk:approved", "finance:approved", "agriculture-environment:approved", "construction:approved", "finance:approved", "leadership:approved", "one-stop-desk:approved");
        Add("VD-DT-001", "supplement requested at review", null, EndResult.Issued, "one-stop-desk:approved", "finance:needsSupplement", "signal:supplementReceived", "finance:approved", "agriculture-environment:approved", "construction:approved", "finance:approved", "leadership:approved", "one-stop-desk:approved");
        Add("VD-DT-001", "refused at appraisal", null, EndResult.Refused, "one-stop-desk:approved", "finance:approved", "agriculture-environment:approved", "construction:approved", "finance:rejected");
        Add("VD-DT-002", "main path", null, EndResult.Issued, "one-stop-desk:approved", "industrial-zones:approved", "industrial-zones:approved", "one-stop-desk:approved");
        Add("VD-DT-002", "returned from signing", null, EndResult.Issued, "one-stop-desk:approved", "industrial-zones:approved", "industrial-zones:returnToPrevious", "industrial-zones:approved", "industrial-zones:approved", "one-stop-desk:approved");
        Add("VD-DT-002", "refused at review", null, EndResult.Refused, "one-stop-desk:approved", "industrial-zones:rejected");
        Add("VD-LD-001", "main path", null, EndResult.Issued, "one-stop-desk:approved", "home-affairs:approved", "leadership:approved", "one-stop-desk:approved");
        Add("VD-LD-001", "supplement requested at review", null, EndResult.Issued, "one-stop-desk:approved", "home-affairs:needsSupplement", "signal:supplementReceived", "home-affairs:approved", "leadership:approved", "one-stop-desk:approved");
        Add("VD-LD-001", "refused at review", null, EndResult.Refused, "one-stop-desk:approved", "home-affairs:rejected");
        Add("VD-LD-002", "main path", null, EndResult.Issued, "one-stop-desk:approved", "employment-service:approved", "social-insurance:approved", "employment-service:approved", "home-affairs:approved", "one-stop-desk:approved");
        Add("VD-LD-002", "supplement requested at review", null, EndResult.Issued, "one-stop-desk:approved", "employment-service:needsSupplement", "signal:supplementReceived", "employment-service:approved", "social-insurance:approved", "employment-service:approved", "home-affairs:approved", "one-stop-desk:approved");
        Add("VD-LD-002", "refused at draftDecision", null, EndResult.Refused, "one-stop-desk:approved", "employment-service:approved", "social-insurance:approved", "employment-service:rejected");
        Add("VD-GT-001", "main path", null, EndResult.Issued, "one-stop-desk:approved", "transport-office:approved", "leadership:approved", "one-stop-desk:approved");
        Add("VD-GT-001", "supplement requested at review", null, EndResult.Issued, "one-stop-desk:approved", "transport-office:needsSupplement", "signal:supplementReceived", "transport-office:approved", "leadership:approved", "one-stop-desk:approved");
        Add("VD-GT-001", "refused at review", null, EndResult.Refused, "one-stop-desk:approved", "transport-office:rejected");
        Add("VD-GT-002", "main path", null, EndResult.Issued, "one-stop-desk:approved", "city-police:approved", "city-police:approved", "one-stop-desk:approved");
        Add("VD-GT-002", "returned from signing", null, EndResult.Issued, "one-stop-desk:approved", "city-police:approved", "city-police:returnToPrevious", "city-police:approved", "city-police:approved", "one-stop-desk:approved");
        Add("VD-GT-002", "refused at review", null, EndResult.Refused, "one-stop-desk:approved", "city-police:rejected");
        Add("VD-GD-001", "main path", null, EndResult.Issued, "one-stop-desk:approved", "education:approved", "education:approved", "one-stop-desk:approved");
        Add("VD-GD-001", "supplement requested at review", null, EndResult.Issued, "one-stop-desk:approved", "education:needsSupplement", "signal:supplementReceived", "education:approved", "education:approved", "one-stop-desk:approved");
        Add("VD-GD-001", "refused at review", null, EndResult.Refused, "one-stop-desk:approved", "education:rejected");
        Add("VD-GD-002", "main path", null, EndResult.Issued, "one-stop-desk:approved", "education:approved", "education:approved", "fire-police:approved", "education:approved", "leadership:approved", "one-stop-desk:approved");
        Add("VD-GD-002", "supplement requested at review", null, EndResult.Issued, "one-stop-desk:approved", "education:needsSupplement", "signal:supplementReceived", "education:approved", "education:approved", "fire-police:approved", "education:approved", "leadership:approved", "one-stop-desk:approved");
        Add("VD-GD-002", "refused at draft", null, EndResult.Refused, "one-stop-desk:approved", "education:approved", "education:approved", "fire-police:approved", "education:rejected");
        Add("VD-YT-001", "main path", null, EndResult.Issued, "one-stop-desk:approved", "health:approved", "health:approved", "leadership:approved", "one-stop-desk:approved");
        Add("VD-YT-001", "supplement requested at review", null, EndResult.Issued, "one-stop-desk:approved", "health:needsSupplement", "signal:supplementReceived", "health:approved", "health:approved", "leadership:approved", "one-stop-desk:approved");
        Add("VD-YT-001", "refused at inspection", null, EndResult.Refused, "one-stop-desk:approved", "health:approved", "health:rejected");
        Add("VD-YT-002", "main path", null, EndResult.Issued, "one-stop-desk:approved", "health:approved", "health:approved", "leadership:approved", "one-stop-desk:approved");
        Add("VD-YT-002", "returned from council", null, EndResult.Issued, "one-stop-desk:approved", "health:approved", "health:returnToPrevious", "health:approved", "health:approved", "leadership:approved", "one-stop-desk:approved");
        Add("VD-YT-002", "refused at council", null, EndResult.Refused, "one-stop-desk:approved", "health:approved", "health:rejected");
        Add("VD-BTXH-001", "main path", null, EndResult.Issued, "one-stop-desk:approved", "commune-culture-social:approved", "commune:approved", "commune:approved", "one-stop-desk:approved");
        Add("VD-BTXH-001", "supplement requested at review", null, EndResult.Issued, "one-stop-desk:approved", "commune-culture-social:needsSupplement", "signal:supplementReceived", "commune-culture-social:approved", "commune:approved", "commune:approved", "one-stop-desk:approved");
        Add("VD-BTXH-001", "refused at posting", null, EndResult.Refused, "one-stop-desk:approved", "commune-culture-social:approved", "commune:rejected");
        Add("VD-BTXH-002", "main path", null, EndResult.Issued, "one-stop-desk:approved", "commune-culture-social:approved", "commune:approved", "one-stop-desk:approved");
        Add("VD-BTXH-002", "supplement requested at review", null, EndResult.Issued, "one-stop-desk:approved", "commune-culture-social:needsSupplement", "signal:supplementReceived", "commune-culture-social:approved", "commune:approved", "one-stop-desk:approved");
        Add("VD-BTXH-002", "refused at review", null, EndResult.Refused, "one-stop-desk:approved", "commune-culture-social:rejected");
        Add("VD-CTH-001", "main path", null, EndResult.Issued, "one-stop-desk:approved", "industry-trade:approved", "leadership:approved", "one-stop-desk:approved");
        Add("VD-CTH-001", "supplement requested at review", null, EndResult.Issued, "one-stop-desk:approved", "industry-trade:needsSupplement", "signal:supplementReceived", "industry-trade:approved", "leadership:approved", "one-stop-desk:approved");
        Add("VD-CTH-001", "refused at review", null, EndResult.Refused, "one-stop-desk:approved", "industry-trade:rejected");
        Add("VD-VH-001", "main path", null, EndResult.Issued, "one-stop-desk:approved", "culture-sports-tourism:approved", "city-police:approved", "commune:approved", "leadership:approved", "one-stop-desk:approved");
        Add("VD-VH-001", "supplement requested at review", null, EndResult.Issued, "one-stop-desk:approved", "culture-sports-tourism:needsSupplement", "signal:supplementReceived", "culture-sports-tourism:approved", "city-police:approved", "commune:approved", "leadership:approved", "one-stop-desk:approved");
        Add("VD-VH-001", "refused at signing", null, EndResult.Refused, "one-stop-desk:approved", "culture-sports-tourism:approved", "city-police:approved", "commune:approved", "leadership:rejected");
        Add("VD-KHCN-001", "main path", null, EndResult.Issued, "one-stop-desk:approved", "science-technology:approved", "science-technology:approved", "leadership:approved", "one-stop-desk:approved");
        Add("VD-KHCN-001", "supplement requested at review", null, EndResult.Issued, "one-stop-desk:approved", "science-technology:needsSupplement", "signal:supplementReceived", "science-technology:approved", "science-technology:approved", "leadership:approved", "one-stop-desk:approved");
        Add("VD-KHCN-001", "refused at council", null, EndResult.Refused, "one-stop-desk:approved", "science-technology:approved", "science-technology:rejected");
    }

    public static TheoryData<string, string> Scenarios
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var scenario in Table)
            {
                data.Add(scenario.Code, scenario.Name);
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Dossier_goes_through_each_department_to_the_expected_result(string code, string scenario)
    {
        var row = Table.Single(s => s.Code == code && s.Name == scenario);
        var catalogue = Catalogue.Value;
        var harness = new EngineHarness(null, [.. catalogue.Values]);
        var dossier = harness.Host.Start(code, catalogue[code].Version, row.Data is null ? [] : JsonNode.Parse(row.Data)!.AsObject());

        foreach (var action in row.Actions)
        {
            Perform(harness, dossier.Id, action);
        }

        var ended = harness.Reload(dossier);
        Assert.True(ended.Status == InstanceStatus.Completed, $"{code} '{scenario}' did not end: {ended.Status} {ended.Fault?.Message}; open: {Describe(OpenTasks(harness))}");
        Assert.Equal(row.Expected, ended.Result);
        Assert.Empty(OpenTasks(harness));
        var lastMessage = harness.Host.Delivered
            .Where(m => m.InstanceId == dossier.Id && m.Kind == OutboxKinds.Notify)
            .Select(m => (string?)m.Payload["template"])
            .LastOrDefault() ?? "";
        Assert.True(lastMessage.EndsWith(ExpectedMessage(row.Expected), StringComparison.Ordinal),
            $"The applicant was last told '{lastMessage}', expected a '{ExpectedMessage(row.Expected)}' message.");
    }

    [Fact]
    public void Every_procedure_has_a_main_path_and_a_branch()
    {
        var missing = Catalogue.Value.Keys
            .Where(code => !Table.Any(s => s.Code == code && s.Name == "main path" && s.Expected == EndResult.Issued)
                || !Table.Any(s => s.Code == code && s.Name != "main path"))
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.True(missing.Count == 0, $"Procedures without a main path and a branch scenario: {string.Join(", ", missing)}");
        Assert.True(Catalogue.Value.Count >= 30, $"The catalogue has {Catalogue.Value.Count} procedures; the city catalogue needs at least 30.");
    }

    [Fact]
    public void A_procedure_source_is_kept_on_round_trip_and_every_file_names_one()
    {
        var unsourced = Catalogue.Value.Values.Where(d => d.Code.StartsWith("VD-", StringComparison.Ordinal) && d.Source?.Contains("ví dụ", StringComparison.Ordinal) != true)
            .Select(d => d.Code).ToList();
        var lltp = Catalogue.Value["VD-LLTP-001"];

        var reread = DefinitionJson.Parse(DefinitionJson.Serialize(lltp));

        Assert.True(reread.Succeeded);
        Assert.Equal(lltp.Source, reread.Definition!.Source);
        Assert.Contains("Điều 48 Luật Lý lịch tư pháp", lltp.Source, StringComparison.Ordinal);
        Assert.True(unsourced.Count == 0, $"Example procedures (VD-) whose source does not say they are examples: {string.Join(", ", unsourced)}");
    }

    private static void Perform(EngineHarness harness, Guid dossierId, string action)
    {
        var colon = action.IndexOf(':', StringComparison.Ordinal);
        var verb = colon < 0 ? action : action[..colon];
        var argument = colon < 0 ? "" : action[(colon + 1)..];
        switch (verb)
        {
            case "timers":
                harness.Clock.Advance(TimeSpan.FromDays(90));
                Assert.True(harness.Host.FireDueTimers(harness.Clock.Now) > 0, "No timer was due.");
                return;
            case "signal":
                // The instance that waits for it: the dossier, or a sub-process it started (a supplement asked there).
                var waiting = harness.Store.Instances().Where(i => !i.IsFinished)
                    .FirstOrDefault(i => harness.Store.Bookmarks(i.Id).Any(b => b.Key == argument && b.Kind is BookmarkKind.Signal or BookmarkKind.Supplement));
                Assert.True(waiting is not null, $"Nothing waits for '{argument}'; open: {Describe(OpenTasks(harness))}");
                Assert.Null(harness.Host.Signal(waiting.Id, argument, argument == "taxPaid" ? new JsonObject { ["taxPaid"] = true } : null));
                return;
            default:
                var department = verb;
                var queue = OpenTasks(harness).Where(t => t.Opened.Department == department).ToList();
                Assert.True(queue.Count == 1, $"Expected one open task for '{department}' before '{action}', found {queue.Count}; open: {Describe(OpenTasks(harness))}");
                Assert.Null(harness.Host.CompleteTask(queue[0].Opened.TaskId, argument, actor: department));
                return;
        }
    }

    private static List<TaskRecord> OpenTasks(EngineHarness harness) =>
        [.. harness.Store.Instances().SelectMany(i => harness.Store.OpenTasks(i.Id))];

    private static string Describe(IEnumerable<TaskRecord> tasks) =>
        string.Join(", ", tasks.Select(t => $"{t.Opened.NodeId}@{t.Opened.Department}")) is { Length: > 0 } text ? text : "none";

    // What the applicant is told last (by SMS or e-mail): the result is ready, the refusal, or that processing stopped.
    private static string ExpectedMessage(EndResult result) => result switch
    {
        EndResult.Issued => "-tra-ket-qua",
        EndResult.Refused => "-tu-choi",
        EndResult.Stopped => "-dung-xu-ly",
        _ => "",
    };

    private static void Add(string code, string name, string? data, EndResult expected, params string[] actions) =>
        Table.Add(new Scenario(code, name, data, expected, actions));

    private static readonly Lazy<Dictionary<string, ProcedureDefinition>> Catalogue = new(() =>
        Directory.GetFiles(Path.Combine(RepositoryDefinitions.Folder, "procedures"), "*.json")
            .Select(file => DefinitionJson.Parse(File.ReadAllText(file)).Definition ?? throw new InvalidOperationException($"{file} does not load."))
            .ToDictionary(d => d.Code, StringComparer.Ordinal));

    private sealed record Scenario(string Code, string Name, string? Data, EndResult Expected, string[] Actions);
}
