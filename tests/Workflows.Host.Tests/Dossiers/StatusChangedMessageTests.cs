using System.Text.Json.Nodes;
using Workflows.Engine.Runtime;
using Workflows.Host.Dossiers;
using Workflows.Host.Persistence;

namespace Workflows.Host.Tests.Dossiers;

/// <summary>
/// The statusChanged message is written straight to UTF-8 (a calendar edit builds 100,000 of them): the intake systems
/// must get exactly the JSON they got when it was built as a tree of nodes, Vietnamese names, nulls and instants included.
/// </summary>
public sealed class StatusChangedMessageTests
{
    private static readonly TimeSpan Vietnam = TimeSpan.FromHours(7);

    [Theory]
    [InlineData(4, null, false)]
    [InlineData(10, "approved", false)]
    [InlineData(4, null, true)]
    public void Status_changed_message_carries_the_json_the_intake_systems_read(int status, string? result, bool faulted)
    {
        var changedAt = new DateTimeOffset(2026, 3, 4, 15, 30, 12, 345, Vietnam).ToUniversalTime();
        var row = new DossierRow
        {
            Id = Guid.NewGuid(), Code = "000.00.01.H29-260304-0001", IntakeClient = "dvc-quoc-gia", ExternalCode = "G22.99-\"mã\"/1",
            PayloadHash = string.Empty, ProcedureCode = "1.009994", ProcedureVersion = 1, ProcedureName = "Cấp giấy phép xây dựng",
            ApplicantName = "Nguyễn Văn A", Channel = "inPerson", ReceptionPoint = string.Empty, Documents = "[]",
            CountingFrom = changedAt, OriginalDueAt = new DateTimeOffset(2026, 3, 9, 17, 0, 0, Vietnam), DueAt = new DateTimeOffset(2026, 3, 10, 17, 0, 0, Vietnam),
            Status = status, Result = result, UpdatedAt = changedAt,
        };
        var fault = faulted ? new InstanceFault("kiem-tra", "Biểu thức lỗi: <x> & \"y\"", changedAt) : null;

        var message = DossierProjection.StatusChanged(row, changedAt, fault);

        var expected = new JsonObject
        {
            ["dossierCode"] = row.Code,
            ["externalCode"] = row.ExternalCode,
            ["intakeClient"] = row.IntakeClient,
            ["status"] = status,
            ["statusName"] = DossierStatus.Name(status),
            ["statusNameEn"] = DossierStatus.NameEn(status),
            ["result"] = result,
            ["dueAt"] = row.DueAt,
            ["originalDueAt"] = row.OriginalDueAt,
            ["changedAt"] = changedAt,
        };
        if (fault is not null)
        {
            expected["fault"] = new JsonObject
            {
                ["nodeId"] = fault.NodeId, ["reason"] = fault.Message, ["at"] = fault.At, ["message"] = DossiersApi.FaultedMessage,
            };
        }

        Assert.Equal(expected.ToJsonString(), message.Payload);
        Assert.Equal((row.Id, "statusChanged", changedAt, (DateTimeOffset?)changedAt), (message.InstanceId, message.Kind, message.CreatedAt, message.NextAttemptAt));
    }
}
