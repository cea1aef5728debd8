using Workflows.Engine.Definitions;
using Workflows.Engine.Validation;

namespace Workflows.Engine.Tests.Validation;

/// <summary>A procedure file with every kind of mistake the validator knows: all of them come back at once.</summary>
public class BrokenDefinitionTests
{
    // Node and connection numbers are in the comments, since the expected paths depend on them.
    private const string BrokenJson = """
        {
          "schemaVersion": 1,
          "code": "",
          "version": 0,
          "name": "Cấp giấy phép xây dựng (bản lỗi)",
          "legalTimeLimit": { "value": 10, "unit": "workingDays" },
          "committedTimeLimit": { "value": 12, "unit": "workingDays" },
          "channelTimeLimits": { "online": { "value": 2, "unit": "workingDays" } },
          "flowchart": {
            "nodes": [
              /* 0 */ { "type": "Start", "id": "start", "name": "Bắt đầu" },
              /* 1 */ { "type": "Start", "id": "start2", "name": "Bắt đầu thứ hai" },
              /* 2 */ { "type": "Step", "id": "receive", "name": "Tiếp nhận", "department": "",
                        "allottedTime": { "value": 1, "unit": "workingDays" } },
              /* 3 */ { "type": "Step", "id": "review", "name": "Thẩm định", "department": "phong-x", "forwardTo": ["phong-y"],
                        "allottedTime": { "value": 12, "unit": "workingDays" },
                        "outcomes": ["approved", "rejected", "returnToPrevious", "needsSupplement", "stopped"] },
              /* 4 */ { "type": "Decision", "id": "check", "name": "Có thu phí?", "expression": "data.fee >" },
              /* 5 */ { "type": "Notify", "id": "notify", "name": "Báo nộp phí", "template": "mau-khong-co", "channel": "" },
              /* 6 */ { "type": "SubProcess", "id": "sub", "name": "Liên thông thuế", "procedure": "9.999999" },
              /* 7 */ { "type": "Join", "id": "join", "name": "Gộp" },
              /* 8 */ { "type": "Step", "id": "sign", "name": "Ký duyệt", "department": "phong-ktht",
                        "allottedTime": { "value": 1, "unit": "workingDays" }, "outcomes": ["approved", "rejected"] },
              /* 9 */ { "type": "End", "id": "issued", "name": "Trả kết quả" },
              /* 10 */ { "type": "End", "id": "refused", "name": "Từ chối", "result": "refused" },
              /* 11 */ { "type": "Notify", "id": "dead", "name": "Báo từ chối", "template": "thong-bao", "channel": "sms" },
              /* 12 */ { "type": "Timer", "id": "loopA", "name": "Chờ", "delay": { "value": 0.3, "unit": "workingDays" } },
              /* 13 */ { "type": "Wait", "id": "loopB", "name": "Chờ tín hiệu", "signal": "" },
              /* 14 */ { "type": "Step", "id": "orphan", "name": "Bước mồ côi", "department": "tiep-nhan",
                         "allottedTime": { "value": 1, "unit": "workingDays" } },
              /* 15 */ { "type": "End", "id": "sign", "name": "Trùng mã" }
            ],
            "connections": [
              /* 0 */ { "from": "start", "to": "receive" },
              /* 1 */ { "from": "start2", "to": "receive" },
              /* 2 */ { "from": "receive", "to": "review", "outcome": "approved" },
              /* 3 */ { "from": "review", "to": "check", "outcome": "approved" },
              /* 4 */ { "from": "review", "to": "refused", "outcome": "rejected" },
              /* 5 */ { "from": "review", "to": "refused", "outcome": "refuse" },
              /* 6 */ { "from": "check", "to": "notify", "outcome": "true" },
              /* 7 */ { "from": "check", "to": "sub", "outcome": "false" },
              /* 8 */ { "from": "notify", "to": "join" },
              /* 9 */ { "from": "sub", "to": "join" },
              /* 10 */ { "from": "sub", "to": "dead", "outcome": "refused" },
              /* 11 */ { "from": "join", "to": "sign" },
              /* 12 */ { "from": "sign", "to": "issued", "outcome": "approved" },
              /* 13 */ { "from": "sign", "to": "loopA", "outcome": "rejected" },
              /* 14 */ { "from": "loopA", "to": "loopB" },
              /* 15 */ { "from": "loopB", "to": "loopA" },
              /* 16 */ { "from": "orphan", "to": "start", "outcome": "approved" },
              /* 17 */ { "from": "issued", "to": "refused" },
              /* 18 */ { "from": "ghost", "to": "issued" },
              /* 19 */ { "from": "sign", "to": "nowhere", "outcome": "approved" }
            ]
          }
        }
        """;

    private static readonly ValidationContext Context = new(
        Departments: new HashSet<string> { "tiep-nhan", "phong-ktht" },
        Templates: new HashSet<string> { "thong-bao" },
        Procedures: new HashSet<string> { "1.000002" });

    private static readonly (string Code, string Path)[] Expected =
    [
        (ProblemCodes.Required, "$.code"),
        (ProblemCodes.InvalidValue, "$.version"),
        (ProblemCodes.CommittedLimitAboveLegalLimit, "$.committedTimeLimit"),
        (ProblemCodes.StepTimesExceedCommittedLimit, "$.committedTimeLimit"),
        (ProblemCodes.StepTimesExceedCommittedLimit, "$.channelTimeLimits.online"),
        (ProblemCodes.MultipleStarts, "$.flowchart.nodes[1]"),
        (ProblemCodes.Required, "$.flowchart.nodes[2].department"),
        (ProblemCodes.UnknownDepartment, "$.flowchart.nodes[3].department"),
        (ProblemCodes.UnknownDepartment, "$.flowchart.nodes[3].forwardTo[0]"),
        (ProblemCodes.OutcomeNotConnected, "$.flowchart.nodes[3].outcomes[4]"),
        (ProblemCodes.ExpressionDoesNotCompile, "$.flowchart.nodes[4].expression"),
        (ProblemCodes.UnknownTemplate, "$.flowchart.nodes[5].template"),
        (ProblemCodes.Required, "$.flowchart.nodes[5].channel"),
        (ProblemCodes.UnknownProcedure, "$.flowchart.nodes[6].procedure"),
        (ProblemCodes.JoinWithoutFork, "$.flowchart.nodes[7]"),
        (ProblemCodes.DeadEnd, "$.flowchart.nodes[11]"),
        (ProblemCodes.InvalidValue, "$.flowchart.nodes[12].delay.value"),
        (ProblemCodes.CycleWithoutExit, "$.flowchart.nodes[12]"),
        (ProblemCodes.Required, "$.flowchart.nodes[13].signal"),
        (ProblemCodes.Unreachable, "$.flowchart.nodes[14]"),
        (ProblemCodes.DuplicateId, "$.flowchart.nodes[15].id"),
        (ProblemCodes.UnknownOutcome, "$.flowchart.connections[5].outcome"),
        (ProblemCodes.InvalidValue, "$.flowchart.connections[16].to"),
        (ProblemCodes.InvalidValue, "$.flowchart.connections[17].from"),
        (ProblemCodes.UnknownNode, "$.flowchart.connections[18].from"),
        (ProblemCodes.UnknownNode, "$.flowchart.connections[19].to"),
    ];

    private static IReadOnlyList<ValidationProblem> ValidateBroken()
    {
        var loaded = DefinitionJson.Parse(BrokenJson);
        Assert.True(loaded.Succeeded, string.Join("; ", loaded.Problems));
        return DefinitionValidator.Validate(loaded.Definition!, Context);
    }

    [Fact]
    public void Every_problem_of_a_broken_definition_is_reported_at_once()
    {
        var reported = ValidateBroken().Select(p => (p.Code, p.Path)).ToList();

        foreach (var expected in Expected)
        {
            Assert.Contains(expected, reported);
        }

        Assert.Equal(Expected.Length, reported.Count);
    }

    [Fact]
    public void Broken_definition_covers_every_kind_of_definition_problem()
    {
        // NoStart cannot coexist with MultipleStarts, and the broken decision's expression cannot both not compile and
        // reach its limits; each has its own test.
        var definitionCodes = typeof(ProblemCodes).GetFields()
            .Select(field => (string)field.GetRawConstantValue()!)
            .Except([ProblemCodes.InvalidJson, ProblemCodes.UnsupportedSchemaVersion, ProblemCodes.NoStart, ProblemCodes.ExpressionExceedsLimits]);

        var reportedCodes = ValidateBroken().Select(p => p.Code).ToHashSet();

        Assert.All(definitionCodes, code => Assert.Contains(code, reportedCodes));
    }

    [Fact]
    public void Every_message_of_a_node_problem_names_the_node_by_id_and_name()
    {
        var nodes = DefinitionJson.Parse(BrokenJson).Definition!.Flowchart.Nodes;

        foreach (var problem in ValidateBroken().Where(p => p.Path.StartsWith("$.flowchart.nodes[", StringComparison.Ordinal)))
        {
            var index = int.Parse(problem.Path["$.flowchart.nodes[".Length..problem.Path.IndexOf(']', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture);
            var node = nodes[index];
            Assert.Contains($"\"{node.Id}\" ({node.Name})", problem.Message, StringComparison.Ordinal);
        }
    }
}
