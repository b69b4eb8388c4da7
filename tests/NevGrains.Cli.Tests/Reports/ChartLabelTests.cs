using NevGrains.Api.V1;
using NevGrains.Cli.Reports;
using NevGrains.Model.Parameters;

namespace NevGrains.Cli.Tests.Reports;

/// <summary>Charts name parameters and lever fields as analysts read them, and a tornado's end labels never overlap.</summary>
public sealed class ChartLabelTests
{
    [Fact]
    public void A_lever_field_is_named_with_its_lever_label_and_unit()
    {
        var scenario = new NevGrains.Api.V1.Scenario
        {
            Levers =
            {
                new Lever { Label = "BYD price undertaking", PriceUndertaking = new PriceUndertakingLever { Jurisdiction = "eu", Brand = "byd" } },
                new Lever { Plant = new PlantLever { Plant = "byd-szeged" } },
            },
        };

        var price = TargetLabels.SweepAxis("levers[0].minImportPriceUsd", scenario);
        var delay = TargetLabels.SweepAxis("levers[1].startDelayMonths", scenario);
        var year = TargetLabels.SweepAxis("levers[1].fromYear", null);

        Assert.Equal(new TargetLabel("Minimum import price", "BYD price undertaking: minimum import price (USD)", ValueFormat.Usd), price);
        Assert.Equal("minimum import price", price.InSentence);
        Assert.Equal(new TargetLabel("Start delay", "lever 2 (plant): start delay (months)", ValueFormat.Number), delay);
        Assert.Equal(ValueFormat.Year, year.Format);
        Assert.Equal("lever 2: from year", year.Axis);
    }

    [Fact]
    public void A_parameter_axis_is_named_from_the_catalog_and_unknown_targets_as_written()
    {
        var passThrough = TargetLabels.SweepAxis("parameter:pricing.passThrough.europe", null);
        var pack = TargetLabels.SweepAxis("parameter:cost.packPrice2025", null);

        Assert.Equal("Cost pass-through, Europe", passThrough.Name);
        Assert.Equal("Cost pass-through, Europe", passThrough.Axis);
        Assert.Equal("Battery pack price, 2025 (USD/kWh)", pack.Axis);
        Assert.Equal("BEV adoption ceiling", TargetLabels.SweepAxis("parameter:diffusion.bev.ceiling", null).InSentence);
        Assert.Equal("demand.unknown", TargetLabels.SweepAxis("parameter:demand.unknown", null).Axis);
        Assert.Equal("levers[x].rate", TargetLabels.SweepAxis("levers[x].rate", null).Axis);
        Assert.Equal("Cost pass-through, Europe", TargetLabels.Parameter("pricing.passThrough.europe"));
        Assert.Equal("made.up", TargetLabels.Parameter("made.up"));
    }

    [Fact]
    public void A_sweep_over_a_dollar_field_writes_dollar_ticks()
    {
        var sweep = new RunSweepResponse
        {
            Axes = { "levers[0].minImportPriceUsd" },
            Metrics = { "Units byd eu 2027" },
            Points =
            {
                new SweepPoint { Index = 0, AxisValues = { 24_000 }, Metrics = { 300_000 } },
                new SweepPoint { Index = 1, AxisValues = { 30_000 }, Metrics = { 233_000 } },
            },
        };
        var spec = new SweepSpec
        {
            Scenario = new NevGrains.Api.V1.Scenario { Levers = { new Lever { Label = "BYD price undertaking", PriceUndertaking = new() } } },
            Metrics = { new MetricSpec { Metric = MetricKind.Units, Owner = "byd", Markets = { "eu" }, Year = 2027 } },
        };

        var chart = Assert.Single(ExperimentCharts.Sweep(sweep, spec, ReportNames.None));

        Assert.Equal("BYD units sold, EU, 2027 vs minimum import price", chart.Title);
        Assert.Equal("BYD price undertaking: minimum import price (USD)", chart.X.Label);
        Assert.Equal(["$24k", "$30k"], chart.X.Ticks!.Select(t => t.Label));
        Assert.Equal("At minimum import price = $24k", chart.Summary.Columns[1]);
    }

    public static TheoryData<int> BarCounts => [5, 12, 36];

    [Theory]
    [MemberData(nameof(BarCounts))]
    public void Tornado_end_labels_overlap_nothing_and_stay_inside_the_plot(int count)
    {
        var chart = ExperimentCharts.Tornado(HardTornado(count), null, ReportNames.None);

        using var drawn = ChartRenderer.Draw(chart, 1000, 600);

        var boxes = drawn.Tornado!;
        Assert.Equal(2 * count, boxes.Labels.Count);
        Assert.All(boxes.Labels, l => Assert.True(l.Box.Inside(boxes.DataArea), $"'{l.Text}' at {l.Box} leaves the data area {boxes.DataArea}"));
        for (var i = 0; i < boxes.Labels.Count; i++)
        {
            for (var j = i + 1; j < boxes.Labels.Count; j++)
            {
                var (a, b) = (boxes.Labels[i], boxes.Labels[j]);
                Assert.False(a.Box.Overlaps(b.Box), $"'{a.Text}' (row {a.Row}) at {a.Box} overlaps '{b.Text}' (row {b.Row}) at {b.Box}");
            }
            var label = boxes.Labels[i];
            var hit = boxes.Bars.FirstOrDefault(bar => bar.Row != label.Row && bar.Box.Overlaps(label.Box));
            Assert.True(hit is null, $"'{label.Text}' (row {label.Row}) overlaps the bar of {hit?.Text} (row {hit?.Row})");
        }
        Assert.True(drawn.Height >= 600);
        Assert.Equal(1000, drawn.Width);
    }

    [Fact]
    public void A_tornado_with_many_bars_grows_taller_and_says_so_in_its_image()
    {
        var report = new ScenarioReport("Many");
        report.AddTornado(HardTornado(36));

        var rendered = ChartRenderer.Render(report.Charts[0], 1000, 600);

        Assert.True(rendered.Height > 600, $"36 rows in {rendered.Height} px");
        Assert.Equal(rendered.Height, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(rendered.Png.AsSpan(20, 4)));
    }

    /// <summary>
    /// Bars that make labels collide if placed carelessly: no swing (both ends at the center), both ends on one side of the
    /// center, very wide and very narrow swings side by side, long parameter values, and negative metrics.
    /// </summary>
    private static RunSensitivityResponse HardTornado(int count)
    {
        var names = ParameterCatalog.All.Select(p => p.Name).ToList();
        var response = new RunSensitivityResponse { Metric = "Units byd eu 2028", Center = -26_054 };
        for (var i = 0; i < count; i++)
        {
            var name = i < names.Count ? names[i] : $"made.up.parameter{i}";
            var (low, high) = (i % 5) switch
            {
                0 => (-26_054.0, -26_054.0),
                1 => (-25_000.0 + i, -24_000.0),
                2 => (-9_000.0 - 100 * i, -44_000.0),
                3 => (-26_054.0 - 0.5, -26_054.0 + 0.5),
                _ => (-27_000.0 - i, -26_500.0),
            };
            response.Bars.Add(ReportSamples.Bar(name, -1.61551234 * (i + 1), 16.69661234 * (i + 1), low, high));
        }
        return response;
    }
}
