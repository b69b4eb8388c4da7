using System.Buffers.Binary;
using System.Text.RegularExpressions;
using NevGrains.Api.V1;
using NevGrains.Cli.Reports;

namespace NevGrains.Cli.Tests.Reports;

public sealed class ScenarioReportTests : IDisposable
{
    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "nevgrains-report-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [Fact]
    public void Share_trajectories_draw_a_dashed_base_and_a_solid_scenario_line_per_market_in_one_colour()
    {
        var report = new ScenarioReport("EU duty");
        var comparison = ReportSamples.Comparison();

        report.AddShareTrajectories(comparison, "byd", ["de", "fr", "hu"]);

        var chart = Assert.Single(report.Charts);
        Assert.Equal(ChartKind.ShareTrajectories, chart.Kind);
        Assert.Equal("BYD market share, DE, FR, HU, base vs scenario", chart.Title);
        var lines = chart.Elements.OfType<ChartLine>().ToList();
        Assert.Equal(6, lines.Count);
        var byColour = lines.GroupBy(l => l.Color).ToList();
        Assert.Equal(3, byColour.Count);
        Assert.All(byColour, g => Assert.Equal([false, true], g.Select(l => l.Dashed).Order()));
        Assert.Equal(["DE", "FR", "HU"], lines.Where(l => !l.Dashed).Select(l => l.Label));
        Assert.All(lines.Where(l => l.Dashed), l => Assert.Null(l.Label));
        var german = lines.Single(l => l.Label == "DE");
        Assert.Equal(ReportSamples.Years.Select(y => (double)y), german.Xs);
        var germanCells = comparison.Cells.Where(c => c.Owner == "byd" && c.Market == "de").OrderBy(c => c.Year);
        Assert.Equal(germanCells.Select(c => c.ScenarioShare), german.Ys);
        Assert.Equal(germanCells.Select(c => c.BaseShare), lines.Single(l => l.Dashed && l.Color == german.Color).Ys);
        Assert.Equal(ValueFormat.Percent, chart.Y.Format);
        Assert.Contains("%", chart.Y.Label);
        Assert.Equal(["2025", "2026", "2027", "2028", "2029", "2030"], chart.X.Ticks!.Select(t => t.Label));
        Assert.Equal(3, chart.Summary.Rows.Count);
        Assert.Equal(["DE", "0.6%", "2.6%", "2.1%", "-0.5 pp"], chart.Summary.Rows[0]);
    }

    [Fact]
    public void Share_trajectories_use_display_names_and_a_markets_label_when_given()
    {
        var names = new ReportNames(new Dictionary<string, string> { ["byd"] = "BYD Auto" }, new Dictionary<string, string> { ["de"] = "Germany" });
        var report = new ScenarioReport("EU duty", names);

        report.AddShareTrajectories(ReportSamples.Comparison(), "byd", ["de", "fr"], "EU markets");
        report.AddShareTrajectories(ReportSamples.Comparison(), "byd", ["de"]);

        Assert.Equal("BYD Auto market share, EU markets, base vs scenario", report.Charts[0].Title);
        Assert.Equal("BYD Auto market share, Germany, base vs scenario", report.Charts[1].Title);
        Assert.Equal("Germany", report.Charts[1].Elements.OfType<ChartLine>().Single(l => !l.Dashed).Label);
    }

    [Fact]
    public void Without_markets_share_trajectories_cover_every_market_of_the_owner()
    {
        var report = new ScenarioReport("EU duty");

        report.AddShareTrajectories(ReportSamples.Comparison(), "byd", []);

        var chart = Assert.Single(report.Charts);
        Assert.Equal(["DE", "FR", "HU", "UK"], chart.Elements.OfType<ChartLine>().Where(l => !l.Dashed).Select(l => l.Label));
        Assert.Equal("BYD market share, DE+FR+HU+UK, base vs scenario", chart.Title);
    }

    [Fact]
    public void Units_by_year_are_base_and_scenario_bars_summed_over_the_markets()
    {
        var report = new ScenarioReport("EU duty");
        var comparison = ReportSamples.Comparison();

        report.AddUnitsByYear(comparison, "byd", ["de", "fr"]);

        var chart = Assert.Single(report.Charts);
        Assert.Equal(ChartKind.ValueByYear, chart.Kind);
        Assert.Equal("BYD units sold by year, DE, FR, base vs scenario", chart.Title);
        var bars = chart.Elements.OfType<ChartBars>().ToList();
        Assert.Equal(["Base", "Scenario: eu-bev-duty-35"], bars.Select(b => b.Label));
        var cells = comparison.Cells.Where(c => c.Owner == "byd" && c.Market is "de" or "fr").ToList();
        Assert.Equal(ReportSamples.Years.Select(y => cells.Where(c => c.Year == y).Sum(c => c.BaseUnits)), bars[0].Values);
        Assert.Equal(ReportSamples.Years.Select(y => cells.Where(c => c.Year == y).Sum(c => c.ScenarioUnits)), bars[1].Values);
        Assert.All(bars[0].Positions.Zip(bars[1].Positions), p => Assert.True(p.First < p.Second));
        Assert.Equal(ValueFormat.Units, chart.Y.Format);
        Assert.Equal("Units sold (cars)", chart.Y.Label);
        Assert.Equal(6, chart.Summary.Rows.Count);
        Assert.Equal(["2030", "106,780", "88,540", "-18,240", "-17.1%"], chart.Summary.Rows[^1]);
    }

    [Fact]
    public void Other_cell_metrics_by_year_are_in_dollars()
    {
        var report = new ScenarioReport("EU duty");

        report.AddValueByYear(ReportSamples.Comparison(), "saic", ["de"], CellMetric.TariffPaidUsd, "Germany");

        var chart = Assert.Single(report.Charts);
        Assert.Equal("SAIC import duties paid by year, Germany, base vs scenario", chart.Title);
        Assert.Equal(ValueFormat.Usd, chart.Y.Format);
        Assert.Equal("$81.4m", chart.Summary.Rows[0][1]);
    }

    [Fact]
    public void A_tornado_has_a_bar_per_parameter_widest_on_top_labelled_with_the_parameter_values()
    {
        var report = new ScenarioReport("Sensitivity");

        report.AddTornado(ReportSamples.Sensitivity());

        var chart = Assert.Single(report.Charts);
        Assert.Equal(ChartKind.Tornado, chart.Kind);
        Assert.Equal("Sensitivity of BYD market share, DE, FR, 2030 to one parameter at a time", chart.Title);
        var bars = chart.Elements.OfType<ChartTornadoBar>().OrderByDescending(b => b.Position).ToList();
        Assert.Equal(
            ["demand.priceElasticity", "costs.batteryUsdPerKwh", "demand.nestingLambda", "pricing.passThrough.europe", "infrastructure.chargerElasticity"],
            bars.Select(b => b.Parameter));
        Assert.Equal(bars.Select(b => b.Width).OrderDescending(), bars.Select(b => b.Width));
        Assert.All(bars, b => Assert.Equal(0.031, b.Center));
        Assert.Equal(("-1.8", "-1.2"), (bars[0].LowLabel, bars[0].HighLabel));
        Assert.Equal((0.024, 0.036), (bars[0].MetricAtLow, bars[0].MetricAtHigh));
        Assert.Equal(0.031, Assert.Single(chart.Elements.OfType<ChartReferenceLine>()).X);
        // The axis names parameters by their catalog labels; ids the catalog does not know are shown as written.
        Assert.Equal(
            ["demand.priceElasticity", "costs.batteryUsdPerKwh", "Nesting dissimilarity (lambda)", "Cost pass-through, Europe", "infrastructure.chargerElasticity"],
            chart.Y.Ticks!.OrderByDescending(t => t.Position).Select(t => t.Label));
        Assert.Equal(ValueFormat.Percent, chart.X.Format);
        Assert.Equal(["demand.priceElasticity", "demand.priceElasticity", "-1.8", "-1.2", "2.4%", "3.6%", "+1.2 pp"], chart.Summary.Rows[0]);
        Assert.Equal(["Nesting dissimilarity (lambda)", "demand.nestingLambda"], chart.Summary.Rows[2].Take(2));
    }

    [Fact]
    public void A_tornado_takes_its_unit_and_title_from_the_request_metric()
    {
        var report = new ScenarioReport("Sensitivity");
        var metric = new MetricSpec { Metric = MetricKind.ChinaBuiltBevUnits, Markets = { "eu" }, Year = 2030 };
        var sensitivity = new RunSensitivityResponse
        {
            Metric = "imports", Center = 410_000, Bars = { ReportSamples.Bar("demand.priceElasticity", -1.8, -1.2, 350_000, 470_000) },
        };

        report.AddTornado(sensitivity, metric);

        var chart = Assert.Single(report.Charts);
        Assert.Equal("Sensitivity of Chinese brands China-built BEVs, EU, 2030 to one parameter at a time", chart.Title);
        Assert.Equal(ValueFormat.Units, chart.X.Format);
        Assert.Equal("350,000", chart.Summary.Rows[0][4]);
    }

    [Fact]
    public void Monte_carlo_metrics_that_differ_only_by_year_form_one_fan_and_single_years_become_whisker_bars()
    {
        var report = new ScenarioReport("Uncertainty");
        var (spec, result) = ReportSamples.MonteCarlo();

        report.AddFans(spec, result);

        Assert.Equal([ChartKind.Fan, ChartKind.Distribution, ChartKind.Distribution], report.Charts.Select(c => c.Kind));
        Assert.Equal(
        [
            "BYD units sold, DE, FR: Monte Carlo P10-P90 by year, base vs scenario",
            "BYD market share, EU, 2030: Monte Carlo P50 with P10-P90 whiskers, base vs scenario",
            "Chinese brands import duties paid, EU, 2030: Monte Carlo P50 with P10-P90 whiskers, base vs scenario",
        ], report.Charts.Select(c => c.Title));

        var fan = report.Charts[0];
        var band = Assert.Single(fan.Elements.OfType<ChartBand>());
        Assert.Equal([2026.0, 2027, 2028, 2029, 2030], band.Xs);
        Assert.Equal(result.Metrics.Take(5).Select(m => m.Scenario.P10), band.Lows);
        Assert.Equal(result.Metrics.Take(5).Select(m => m.Scenario.P90), band.Highs);
        var lines = fan.Elements.OfType<ChartLine>().ToList();
        Assert.Equal(["Scenario P50", "Base P50"], lines.Select(l => l.Label));
        Assert.Equal([false, true], lines.Select(l => l.Dashed));
        Assert.Equal(result.Metrics.Take(5).Select(m => m.Base.P50), lines[1].Ys);
        Assert.Equal(5, fan.Summary.Rows.Count);
        Assert.Contains("1,000 draws", fan.Subtitle);

        var share = report.Charts[1];
        var bars = share.Elements.OfType<ChartBars>().ToList();
        Assert.Equal(["Base", "Scenario"], bars.Select(b => b.Label));
        Assert.Equal([result.Metrics[5].Scenario.P10], bars[1].Lows!);
        Assert.Equal([result.Metrics[5].Scenario.P90], bars[1].Highs!);
        Assert.Equal(["Base", "Scenario", "Change"], share.Summary.Rows.Select(r => r[0]));
        Assert.Equal(ValueFormat.Usd, report.Charts[2].Y.Format);
    }

    [Fact]
    public void A_sweep_draws_each_metric_against_the_first_axis_with_a_line_per_value_of_the_second()
    {
        var report = new ScenarioReport("Duty sweep");

        report.AddSweep(ReportSamples.Sweep());

        Assert.Equal(2, report.Charts.Count);
        var imports = report.Charts[0];
        Assert.Equal(ChartKind.Sweep, imports.Kind);
        Assert.Equal("Chinese brands China-built BEVs, EU, 2030 vs rate, by nesting dissimilarity (lambda)", imports.Title);
        Assert.Equal("lever 1: rate", imports.X.Label);
        Assert.Equal(["0.0", "0.1", "0.2", "0.3", "0.4"], imports.X.Ticks!.Select(t => t.Label));
        Assert.Equal("BEVs built in China (cars)", imports.Y.Label);
        var lines = imports.Elements.OfType<ChartLine>().ToList();
        Assert.Equal(["Nesting dissimilarity (lambda) = 0.5", "Nesting dissimilarity (lambda) = 0.7"], lines.Select(l => l.Label));
        Assert.All(lines, l => Assert.Equal([0, 0.1, 0.2, 0.3, 0.4], l.Xs));
        Assert.Equal(620_000, lines[0].Ys[0]);
        Assert.Equal(ValueFormat.Percent, report.Charts[1].Y.Format);
        Assert.Equal(["Nesting dissimilarity (lambda) = 0.5", "3.4%", "2.1%", "2.1%", "3.4%"], report.Charts[1].Summary.Rows[0]);
    }

    [Fact]
    public void A_sweep_with_its_spec_and_a_single_axis_draws_one_unlabelled_line_per_metric()
    {
        var report = new ScenarioReport("Duty sweep");
        var sweep = new RunSweepResponse
        {
            Axes = { "parameter:pricing.tariffPassThrough" },
            Metrics = { "margin" },
            Points = { new SweepPoint { AxisValues = { 1.0 }, Metrics = { 2.1e9 } }, new SweepPoint { AxisValues = { 0.5 }, Metrics = { 2.6e9 } } },
        };
        var spec = new SweepSpec { Metrics = { new MetricSpec { Metric = MetricKind.GrossMargin, Owner = "byd", Year = 2030 } } };

        report.AddSweep(sweep, spec);

        var chart = Assert.Single(report.Charts);
        Assert.Equal("BYD gross margin, all markets, 2030 vs pricing.tariffPassThrough", chart.Title);
        var line = Assert.Single(chart.Elements.OfType<ChartLine>());
        Assert.Null(line.Label);
        Assert.Equal([0.5, 1.0], line.Xs);
        Assert.Equal([2.6e9, 2.1e9], line.Ys);
        Assert.Equal(["all points", "$2,600.0m", "$2,100.0m", "$2,100.0m", "$2,600.0m"], chart.Summary.Rows[0]);
    }

    [Fact]
    public void Empty_input_throws_an_argument_exception_that_names_what_is_missing_and_adds_nothing()
    {
        var report = new ScenarioReport("Nothing");
        var comparison = ReportSamples.Comparison();

        var owner = Assert.Throws<ArgumentException>(() => report.AddShareTrajectories(comparison, "tesla", ["de"]));
        var market = Assert.Throws<ArgumentException>(() => report.AddUnitsByYear(comparison, "byd", ["de", "xx"]));
        var competitor = Assert.Throws<ArgumentException>(() => report.AddUnitsByYear(comparison, "vw-group", ["fr"]));
        var tornado = Assert.Throws<ArgumentException>(() => report.AddTornado(new RunSensitivityResponse { Metric = "Share byd de 2030" }));
        var (spec, result) = ReportSamples.MonteCarlo();
        spec.Metrics.RemoveAt(0);
        var fans = Assert.Throws<ArgumentException>(() => report.AddFans(spec, result));
        var noMetrics = Assert.Throws<ArgumentException>(() => report.AddFans(new MonteCarloSpec(), new RunMonteCarloResponse()));
        var sweep = ReportSamples.Sweep();
        sweep.Points.Clear();
        var points = Assert.Throws<ArgumentException>(() => report.AddSweep(sweep));

        Assert.Contains("no cells for owner 'tesla'", owner.Message);
        Assert.Equal("owner", owner.ParamName);
        Assert.Contains("in market(s) 'xx'", market.Message);
        Assert.Equal("markets", market.ParamName);
        Assert.Contains("owner 'vw-group' in market(s) 'fr'", competitor.Message);
        Assert.Contains("no tornado bars", tornado.Message);
        Assert.Contains("7 metric summaries for the spec's 6 metrics", fans.Message);
        Assert.Contains("spec has no metrics", noMetrics.Message);
        Assert.Contains("no points", points.Message);
        Assert.Empty(report.Charts);
        Assert.Throws<InvalidOperationException>(() => report.WriteHtml(Path.Combine(_folder, "empty.html")));
    }

    [Fact]
    public void Metric_labels_and_numbers_are_written_for_analysts()
    {
        Assert.Equal(ValueFormat.Percent, MetricInfo.FromLabel("NevShare chinese eu 2030").Format);
        Assert.Equal(ValueFormat.Usd, MetricInfo.FromLabel("GrossMargin byd all 2030").Format);
        Assert.Equal(ValueFormat.Number, MetricInfo.FromLabel("My own name").Format);
        Assert.Equal(ValueFormat.Number, MetricInfo.FromLabel("4 something").Format);
        var parsed = MetricInfo.ParseLabel("ChinaBuiltBevUnits chinese de+fr 2030");
        Assert.NotNull(parsed);
        Assert.Equal((MetricKind.ChinaBuiltBevUnits, "", 2030), (parsed.Metric, parsed.Owner, parsed.Year));
        Assert.Equal(["de", "fr"], parsed.Markets);
        Assert.Empty(MetricInfo.ParseLabel("Units byd all 2027")!.Markets);
        Assert.Null(MetricInfo.ParseLabel("BYD EU imports 2030"));
        Assert.Null(MetricInfo.ParseLabel("Units byd eu next-year"));
        Assert.Equal(["2.0%", "2.5%", "3.0%"], Formats.Ticks(ValueFormat.Percent, [0.02, 0.025, 0.03]));
        Assert.Equal(["$0", "$0.5bn", "$1.0bn", "$1.5bn"], Formats.Ticks(ValueFormat.Usd, [0, 5e8, 1e9, 1.5e9]));
        Assert.Equal(["-$20k", "$0", "$20k"], Formats.Ticks(ValueFormat.Usd, [-20_000, 0, 20_000]));
        Assert.Equal(["0.00", "0.25", "0.50"], Formats.Ticks(ValueFormat.Number, [0, 0.25, 0.5]));
        Assert.Equal("1,250,000", Formats.Tick(ValueFormat.Units, 1_250_000));
        Assert.Equal("12.5%", Formats.Tick(ValueFormat.Percent, 0.125));
        Assert.Equal("$1.5bn", Formats.Tick(ValueFormat.Usd, 1.5e9));
        Assert.Equal("-$250k", Formats.Tick(ValueFormat.Usd, -250_000));
        Assert.Equal("2030", Formats.Tick(ValueFormat.Year, 2030));
        Assert.Equal("n/a", NevGrains.Cli.Output.Numbers.Relative(0, 10));
    }

    [Fact]
    public void WritePngs_writes_a_real_png_of_the_report_size_per_chart()
    {
        var report = FullReport("EU duty on Chinese BEVs");

        var paths = report.WritePngs(_folder);

        Assert.Equal(report.Charts.Count, paths.Count);
        Assert.Equal(report.Charts.Select(c => Path.Combine(_folder, c.FileStem + ".png")), paths);
        Assert.Equal(paths.Count, paths.Distinct().Count());
        Assert.Equal("01-byd-market-share-de-fr-hu-base-vs-scenario", report.Charts[0].FileStem);
        foreach (var path in paths)
        {
            var bytes = File.ReadAllBytes(path);
            AssertPng(bytes, 1000, 600);
        }
    }

    [Fact]
    public void Images_take_the_report_size()
    {
        var report = new ScenarioReport("Small") { Width = 640, Height = 400 };
        report.AddTornado(ReportSamples.Sensitivity());

        AssertPng(report.RenderPng(report.Charts[0]), 640, 400);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ScenarioReport("Tiny") { Width = 10 });
        Assert.Throws<ArgumentException>(() => new ScenarioReport(" "));
    }

    [Fact]
    public void WriteHtml_writes_one_self_contained_page_with_every_chart_and_escaped_text()
    {
        var names = new ReportNames(new Dictionary<string, string> { ["byd"] = "BYD & <b>Co</b>" });
        var report = FullReport("EU duty <script>alert('x')</script> & more", names);
        var path = Path.Combine(_folder, "sub", "report.html");

        var written = report.WriteHtml(path);

        Assert.Equal(path, written);
        Assert.Equal([path], Directory.GetFiles(_folder, "*", SearchOption.AllDirectories));
        var html = File.ReadAllText(path);
        Assert.Contains("<h1>EU duty &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; more</h1>", html);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<b>", html);
        Assert.Contains("BYD &amp; &lt;b&gt;Co&lt;/b&gt; market share, DE, FR, HU, base vs scenario", html);
        Assert.DoesNotContain("http://", html);
        Assert.DoesNotContain("https://", html);
        Assert.DoesNotContain("<link", html);
        Assert.DoesNotContain("@import", html);
        Assert.DoesNotContain("url(", html);
        var images = Regex.Matches(html, "src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"");
        Assert.Equal(report.Charts.Count, images.Count);
        Assert.Equal(report.Charts.Count, Regex.Matches(html, "src=").Count);
        foreach (Match image in images)
        {
            AssertPng(Convert.FromBase64String(image.Groups[1].Value), 1000, 600);
        }
        foreach (var chart in report.Charts)
        {
            Assert.Contains(System.Net.WebUtility.HtmlEncode(chart.Title), html);
        }
        Assert.Equal(report.Charts.Count, Regex.Matches(html, "<table>").Count);
        Assert.Contains("<td>106,780</td>", html);
    }

    private static ScenarioReport FullReport(string title, ReportNames? names = null)
    {
        var report = new ScenarioReport(title, names ?? ReportNames.None);
        var comparison = ReportSamples.Comparison();
        report.AddShareTrajectories(comparison, "byd", ["de", "fr", "hu"]);
        report.AddUnitsByYear(comparison, "byd", ["de", "fr"]);
        report.AddTornado(ReportSamples.Sensitivity());
        var (spec, result) = ReportSamples.MonteCarlo();
        report.AddFans(spec, result);
        report.AddSweep(ReportSamples.Sweep());
        Assert.Equal(8, report.Charts.Count);
        return report;
    }

    /// <summary>PNG signature, an IHDR chunk first with the expected size, and enough bytes to hold a drawn chart.</summary>
    private static void AssertPng(byte[] bytes, int width, int height)
    {
        Assert.Equal(PngSignature, bytes.Take(8));
        Assert.Equal("IHDR"u8.ToArray(), bytes.Skip(12).Take(4));
        Assert.Equal(width, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16, 4)));
        Assert.Equal(height, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20, 4)));
        Assert.True(bytes.Length > 15_000, $"a {bytes.Length}-byte PNG is too small to hold a chart");
    }
}
