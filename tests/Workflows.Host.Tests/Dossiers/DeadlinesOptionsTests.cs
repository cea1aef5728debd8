using Microsoft.Extensions.Configuration;
using Workflows.Engine.Calendar;
using Workflows.Engine.Deadlines;
using Workflows.Engine.Definitions;
using Workflows.Host.Calendars;

namespace Workflows.Host.Tests.Dossiers;

public sealed class DeadlinesOptionsTests
{
    private static CutOffRule Rule(params (string Key, string Value)[] settings) =>
        DeadlinesOptions.Rule(new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build());

    [Fact]
    public void Without_settings_the_cut_off_is_15_00_for_same_day_procedures()
    {
        Assert.Equal(CutOffRule.Default, Rule());
    }

    [Fact]
    public void The_cut_off_time_and_scope_come_from_configuration()
    {
        var rule = Rule(("Deadlines:CutOff", "16:30"), ("Deadlines:CutOffScope", "All"));

        Assert.Equal(new CutOffRule(new TimeOnly(16, 30), CutOffScope.All), rule);
        // A 5-day dossier received Monday 16:45 counts from Tuesday morning.
        var procedure = new ProcedureDefinition
        {
            Code = "X", Name = "X", LegalTimeLimit = TimeLimit.Days(5), CommittedTimeLimit = TimeLimit.Days(5), Flowchart = new Flowchart(),
        };
        var appointment = AppointmentCalculator.Compute(procedure, Channel.InPerson, new DateTimeOffset(2026, 3, 2, 16, 45, 0, TimeSpan.FromHours(7)), WorkingCalendar.Standard(), rule);
        Assert.Equal(new DateTimeOffset(2026, 3, 3, 7, 30, 0, TimeSpan.FromHours(7)), appointment.CountingFrom);
    }

    [Theory]
    [InlineData("Deadlines:CutOff", "3pm")]
    [InlineData("Deadlines:CutOffScope", "Sometimes")]
    public void A_bad_setting_stops_start_up(string key, string value)
    {
        Assert.Throws<InvalidOperationException>(() => Rule((key, value)));
    }
}
