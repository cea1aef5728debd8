using System.Globalization;
using NJsonSchema;
using Workflows.Engine.Calendar;

namespace Workflows.Engine.Tests.Calendar;

/// <summary>
/// The real year files in definitions/calendars (schema, loader, the days that are certain) and the
/// loader's errors, each with the JSON path of the offending value.
/// </summary>
public sealed class CalendarFileTests
{
    private static readonly Lazy<string> CalendarsFolder = new(FindCalendarsFolder);

    private static readonly Lazy<WorkingCalendar> RealCalendar = new(() => CalendarFile.ToCalendar(LoadAll()));

    private static string SchemaPath => Path.Combine(CalendarsFolder.Value, "calendar.schema.json");

    public static TheoryData<string> YearFiles
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var file in YearPaths())
            {
                data.Add(Path.GetFileName(file));
            }

            return data;
        }
    }

    public static TheoryData<int> Years => new(2025, 2026, 2027);

    // ---- The real files ----

    [Fact]
    public void The_calendars_folder_has_a_file_for_2025_2026_and_2027()
    {
        var names = YearPaths().Select(Path.GetFileName).ToList();

        Assert.Contains("2025.json", names);
        Assert.Contains("2026.json", names);
        Assert.Contains("2027.json", names);
    }

    [Theory]
    [MemberData(nameof(YearFiles))]
    public async Task Calendar_file_matches_the_json_schema(string fileName)
    {
        var schema = await JsonSchema.FromFileAsync(SchemaPath);
        var json = await File.ReadAllTextAsync(Path.Combine(CalendarsFolder.Value, fileName));

        var errors = schema.Validate(json);

        Assert.True(errors.Count == 0,
            $"{fileName} does not match calendar.schema.json:{Environment.NewLine}" +
            string.Join(Environment.NewLine, errors.Select(e => $"  {e.Kind} at {e.Path} (line {e.LineNumber})")));
    }

    [Theory]
    [MemberData(nameof(YearFiles))]
    public void Calendar_file_loads_and_its_year_is_the_one_in_its_file_name(string fileName)
    {
        var file = Load(fileName);

        Assert.Equal(int.Parse(Path.GetFileNameWithoutExtension(fileName), CultureInfo.InvariantCulture), file.Year);
        Assert.Equal("calendar.schema.json", file.Schema);
        Assert.NotEmpty(file.Sources);
    }

    [Theory]
    [MemberData(nameof(YearFiles))]
    public void A_year_is_provisional_exactly_when_one_of_its_days_is(string fileName)
    {
        var file = Load(fileName);

        var anyDayProvisional = file.Holidays.Any(h => h.Provisional) || file.WorkedDays.Any(w => w.Provisional);

        Assert.Equal(anyDayProvisional, file.Provisional);
    }

    [Theory]
    [MemberData(nameof(Years))]
    public void New_year_reunification_day_and_labour_day_are_holidays_every_year(int year)
    {
        var file = Load($"{year}.json");
        DateOnly[] fixedDays = [new(year, 1, 1), new(year, 4, 30), new(year, 5, 1)];

        foreach (var day in fixedDays)
        {
            var entry = Assert.Single(file.Holidays, h => h.Date == day);
            Assert.Equal(DayOffKind.Holiday, entry.Kind);
            Assert.False(entry.Provisional, $"{day} is fixed by the Labour Code.");
            Assert.False(RealCalendar.Value.IsWorkingDay(day), $"{day} should be off.");
        }
    }

    [Fact]
    public void The_five_tet_days_of_2026_are_off_from_monday_16_to_friday_20_february()
    {
        for (var day = new DateOnly(2026, 2, 16); day <= new DateOnly(2026, 2, 20); day = day.AddDays(1))
        {
            Assert.False(RealCalendar.Value.IsWorkingDay(day), $"{day} should be off.");
        }

        Assert.True(RealCalendar.Value.IsWorkingDay(new DateOnly(2026, 2, 13)));
        Assert.True(RealCalendar.Value.IsWorkingDay(new DateOnly(2026, 2, 23)));
    }

    [Fact]
    public void National_day_2025_is_off()
    {
        Assert.False(RealCalendar.Value.IsWorkingDay(new DateOnly(2025, 9, 2)));
    }

    [Fact]
    public void The_new_year_bridge_of_2026_is_off_and_paid_back_on_saturday_10_january()
    {
        Assert.False(RealCalendar.Value.IsWorkingDay(new DateOnly(2026, 1, 2)));
        Assert.True(RealCalendar.Value.IsWorkingDay(new DateOnly(2026, 1, 10)));
    }

    [Fact]
    public void A_dossier_received_on_the_friday_before_tet_2026_is_due_after_the_break()
    {
        // Received Fri 13/2/2026 09:00, 5 working days = 10 sessions ("buổi"), keeping 1 h 30 into the
        // morning session: 1 Fri 13/2 afternoon; Sat 14/2 to Sun 22/2 off (Tết); 2-3 Mon 23/2;
        // 4-5 Tue 24/2; 6-7 Wed 25/2; 8-9 Thu 26/2; 10 Fri 27/2 morning => Fri 27/2/2026 09:00.
        var received = Calendars.At(2026, 2, 13, 9, 0);

        var due = RealCalendar.Value.AddWorkingDays(received, 5);

        Assert.Equal(Calendars.At(2026, 2, 27, 9, 0), due);
    }

    // ---- Loader errors ----

    [Fact]
    public void A_minimal_file_parses()
    {
        var file = CalendarFile.Parse(Minimal());

        Assert.Equal(2026, file.Year);
        Assert.Equal(new CalendarSession(new TimeOnly(7, 30), new TimeOnly(11, 30)), file.Sessions.Monday![0]);
        Assert.Equal(DayOffKind.Holiday, file.Holidays[0].Kind);
        Assert.Equal(new DateOnly(2026, 1, 1), file.Holidays[0].Date);
    }

    [Fact]
    public void A_malformed_date_is_reported_at_its_path()
    {
        var json = Minimal(holidays: """[{"date": "2026-01-01", "name": "A", "kind": "holiday", "provisional": false}, {"date": "2026-02-30", "name": "B", "kind": "holiday", "provisional": false}]""");

        var error = Assert.Throws<CalendarFileException>(() => CalendarFile.Parse(json));

        Assert.Equal("$.holidays[1].date", error.Path);
        Assert.Contains("yyyy-MM-dd", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_malformed_time_is_reported_at_its_path()
    {
        var json = Minimal(monday: """[{"start": "7:30", "end": "11:30"}]""");

        var error = Assert.Throws<CalendarFileException>(() => CalendarFile.Parse(json));

        Assert.Equal("$.sessions.monday[0].start", error.Path);
        Assert.Contains("HH:mm", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_session_ending_before_it_starts_is_reported_at_its_end()
    {
        var json = Minimal(monday: """[{"start": "07:30", "end": "11:30"}, {"start": "17:00", "end": "13:30"}]""");

        var error = Assert.Throws<CalendarFileException>(() => CalendarFile.Parse(json));

        Assert.Equal("$.sessions.monday[1].end", error.Path);
        Assert.Contains("17:00-13:30", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Overlapping_sessions_are_reported_at_the_second_start()
    {
        var json = Minimal(monday: """[{"start": "07:30", "end": "11:30"}, {"start": "11:00", "end": "17:00"}]""");

        var error = Assert.Throws<CalendarFileException>(() => CalendarFile.Parse(json));

        Assert.Equal("$.sessions.monday[1].start", error.Path);
    }

    [Fact]
    public void A_holiday_outside_the_files_year_is_reported()
    {
        var json = Minimal(holidays: """[{"date": "2025-12-31", "name": "A", "kind": "holiday", "provisional": false}]""");

        var error = Assert.Throws<CalendarFileException>(() => CalendarFile.Parse(json));

        Assert.Equal("$.holidays[0].date", error.Path);
        Assert.Contains("outside the file's year 2026", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_worked_day_outside_the_files_year_is_reported()
    {
        var json = Minimal(workedDays: """[{"date": "2027-01-02", "name": "A", "replaces": "2026-12-31", "provisional": false}]""");

        var error = Assert.Throws<CalendarFileException>(() => CalendarFile.Parse(json));

        Assert.Equal("$.workedDays[0].date", error.Path);
    }

    [Fact]
    public void A_worked_day_on_a_weekday_is_reported()
    {
        // Mon 5/1/2026 already has sessions.
        var json = Minimal(workedDays: """[{"date": "2026-01-05", "name": "A", "replaces": "2026-01-02", "provisional": false}]""");

        var error = Assert.Throws<CalendarFileException>(() => CalendarFile.Parse(json));

        Assert.Equal("$.workedDays[0].date", error.Path);
        Assert.Contains("Monday", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_day_both_off_and_worked_is_reported()
    {
        var json = Minimal(
            holidays: """[{"date": "2026-01-02", "name": "Bridge", "kind": "bridge", "provisional": false}, {"date": "2026-01-10", "name": "A", "kind": "holiday", "provisional": false}]""",
            workedDays: """[{"date": "2026-01-10", "name": "Làm bù", "replaces": "2026-01-02", "provisional": false}]""");

        var error = Assert.Throws<CalendarFileException>(() => CalendarFile.Parse(json));

        Assert.Equal("$.workedDays[0].date", error.Path);
        Assert.Contains("both", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_worked_day_must_replace_a_listed_bridge_day_of_its_year()
    {
        var json = Minimal(workedDays: """[{"date": "2026-01-10", "name": "Làm bù", "replaces": "2026-01-01", "provisional": false}]""");

        var error = Assert.Throws<CalendarFileException>(() => CalendarFile.Parse(json));

        Assert.Equal("$.workedDays[0].replaces", error.Path);
    }

    [Fact]
    public void A_worked_day_may_replace_a_bridge_day_of_the_previous_year()
    {
        var json = Minimal(workedDays: """[{"date": "2026-01-03", "name": "Làm bù", "replaces": "2025-12-31", "provisional": false}]""");

        var file = CalendarFile.Parse(json);

        Assert.Equal(new DateOnly(2025, 12, 31), Assert.Single(file.WorkedDays).Replaces);
    }

    [Fact]
    public void A_worked_saturday_that_pays_back_nothing_is_a_working_day()
    {
        // A Saturday worked to clear a backlog: no bridge day to name.
        var json = Minimal(workedDays: """[{"date": "2026-03-07", "name": "Làm thêm thứ Bảy giải quyết hồ sơ tồn đọng", "provisional": false}]""");

        var file = CalendarFile.Parse(json);
        var calendar = CalendarFile.ToCalendar([file]);

        Assert.Null(Assert.Single(file.WorkedDays).Replaces);
        Assert.True(calendar.IsWorkingDay(new DateOnly(2026, 3, 7)));
        // After Friday's work the next working morning is that Saturday, not Monday 9/3.
        var vietnam = TimeSpan.FromHours(7);
        Assert.Equal(new DateTimeOffset(2026, 3, 7, 7, 30, 0, vietnam), calendar.NextWorkingInstant(new DateTimeOffset(2026, 3, 6, 17, 30, 0, vietnam)));
        Assert.DoesNotContain("replaces", System.Text.Json.JsonSerializer.Serialize(file, CalendarFile.Options), StringComparison.Ordinal);
    }

    [Fact]
    public void A_day_listed_twice_is_reported_at_the_second_entry()
    {
        var json = Minimal(holidays: """[{"date": "2026-01-01", "name": "A", "kind": "holiday", "provisional": false}, {"date": "2026-01-01", "name": "B", "kind": "holiday", "provisional": false}]""");

        var error = Assert.Throws<CalendarFileException>(() => CalendarFile.Parse(json));

        Assert.Equal("$.holidays[1].date", error.Path);
    }

    [Fact]
    public void A_provisional_day_in_a_year_not_marked_provisional_is_reported()
    {
        var json = Minimal(holidays: """[{"date": "2026-01-01", "name": "A", "kind": "holiday", "provisional": true}]""");

        var error = Assert.Throws<CalendarFileException>(() => CalendarFile.Parse(json));

        Assert.Equal("$.provisional", error.Path);
    }

    [Fact]
    public void An_unknown_kind_of_day_off_is_reported_at_its_path()
    {
        var json = Minimal(holidays: """[{"date": "2026-01-01", "name": "A", "kind": "festival", "provisional": false}]""");

        var error = Assert.Throws<CalendarFileException>(() => CalendarFile.Parse(json));

        Assert.Equal("$.holidays[0].kind", error.Path);
    }

    [Fact]
    public void A_missing_required_field_is_reported()
    {
        var json = Minimal().Replace("\"year\": 2026,", string.Empty, StringComparison.Ordinal);

        var error = Assert.Throws<CalendarFileException>(() => CalendarFile.Parse(json));

        Assert.Equal("$", error.Path);
        Assert.Contains("year", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_field_is_reported()
    {
        var json = Minimal(holidays: """[{"date": "2026-01-01", "name": "A", "kind": "holiday", "provisional": false, "halfDay": true}]""");

        var error = Assert.Throws<CalendarFileException>(() => CalendarFile.Parse(json));

        Assert.StartsWith("$.holidays[0]", error.Path, StringComparison.Ordinal);
        Assert.Contains("halfDay", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Text_that_is_not_json_is_reported()
    {
        var error = Assert.Throws<CalendarFileException>(() => CalendarFile.Parse("{ \"year\": "));

        Assert.StartsWith("$", error.Path, StringComparison.Ordinal);
    }

    // ---- Merging years ----

    [Fact]
    public void Merging_takes_sessions_from_the_latest_year_and_days_from_every_year()
    {
        var year2025 = CalendarFile.Parse(Minimal(year: 2025, holidays: """[{"date": "2025-09-02", "name": "Quốc khánh", "kind": "holiday", "provisional": false}]"""));
        var year2026 = CalendarFile.Parse(Minimal(
            monday: """[{"start": "08:00", "end": "12:00"}]""",
            workedDays: """[{"date": "2026-01-10", "name": "Làm bù", "replaces": "2025-12-31", "provisional": false}]"""));

        var calendar = CalendarFile.ToCalendar([year2026, year2025]);

        Assert.False(calendar.IsWorkingDay(new DateOnly(2025, 9, 2)));
        Assert.False(calendar.IsWorkingDay(new DateOnly(2026, 1, 1)));
        Assert.True(calendar.IsWorkingDay(new DateOnly(2026, 1, 10)));
        var monday = Assert.Single(calendar.SessionsOn(new DateOnly(2025, 9, 1)));
        Assert.Equal(new WorkingSession(new TimeOnly(8, 0), new TimeOnly(12, 0)), monday);
    }

    [Fact]
    public void Merging_the_same_year_twice_is_refused()
    {
        var file = CalendarFile.Parse(Minimal());

        Assert.Throws<ArgumentException>(() => CalendarFile.ToCalendar([file, file]));
    }

    [Fact]
    public void Merging_no_years_is_refused()
    {
        Assert.Throws<ArgumentException>(() => CalendarFile.ToCalendar([]));
    }

    // ---- Helpers ----

    /// <summary>A valid year file with 1/1 off; the parts a test replaces are given as JSON.</summary>
    private static string Minimal(
        int year = 2026,
        string monday = """[{"start": "07:30", "end": "11:30"}, {"start": "13:30", "end": "17:00"}]""",
        string? holidays = null,
        string workedDays = "[]")
    {
        holidays ??= $$"""[{"date": "{{year}}-01-01", "name": "Tết Dương lịch", "kind": "holiday", "provisional": false}]""";
        return $$"""
            {
              "year": {{year}},
              "provisional": false,
              "sessions": {
                "monday": {{monday}},
                "tuesday": [{"start": "07:30", "end": "11:30"}, {"start": "13:30", "end": "17:00"}],
                "wednesday": [{"start": "07:30", "end": "11:30"}, {"start": "13:30", "end": "17:00"}],
                "thursday": [{"start": "07:30", "end": "11:30"}, {"start": "13:30", "end": "17:00"}],
                "friday": [{"start": "07:30", "end": "11:30"}, {"start": "13:30", "end": "17:00"}]
              },
              "holidays": {{holidays}},
              "workedDays": {{workedDays}},
              "sources": ["Test"]
            }
            """;
    }

    private static CalendarFile Load(string fileName) =>
        CalendarFile.Parse(File.ReadAllText(Path.Combine(CalendarsFolder.Value, fileName)));

    private static List<CalendarFile> LoadAll() => [.. YearPaths().Select(p => Load(Path.GetFileName(p)))];

    private static string[] YearPaths() =>
        [.. Directory.GetFiles(CalendarsFolder.Value, "*.json")
            .Where(p => !p.EndsWith(".schema.json", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)];

    private static string FindCalendarsFolder()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Workflows.sln")))
            {
                return Path.Combine(folder.FullName, "definitions", "calendars");
            }
        }

        throw new InvalidOperationException($"No folder containing Workflows.sln above {AppContext.BaseDirectory}.");
    }
}
