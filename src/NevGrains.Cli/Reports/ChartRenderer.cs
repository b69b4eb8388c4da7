using ScottPlot;
using ScottPlot.TickGenerators;

namespace NevGrains.Cli.Reports;

/// <summary>Draws a <see cref="ReportChart"/> with ScottPlot 5 (SkiaSharp underneath).</summary>
internal static class ChartRenderer
{
    /// <summary>Sans-serif families tried in order; SkiaSharp's own default on Linux is often a serif face.</summary>
    private static readonly string[] PreferredFonts = ["DejaVu Sans", "Liberation Sans", "Noto Sans", "Arial", "Helvetica"];

    private static readonly Lazy<string?> Font = new(() => PreferredFonts.FirstOrDefault(name =>
        Fonts.GetTypeface(name, bold: false, italic: false) is { } face && face.FamilyName == name));

    private static readonly IPalette Palette = new ScottPlot.Palettes.Category10();

    /// <summary>The font family the charts are drawn with (null: ScottPlot's default, no preferred family was found).</summary>
    public static string? FontFamily => Font.Value;

    public static byte[] Png(ReportChart chart, int width, int height) => Render(chart, width, height).Png;

    /// <summary>
    /// Draws a chart at the given size; a tornado with more bars than the height holds at one label per row grows taller.
    /// </summary>
    public static RenderedChart Render(ReportChart chart, int width, int height)
    {
        using var drawn = Draw(chart, width, height);
        return new RenderedChart(drawn.Plot.GetImageBytes(drawn.Width, drawn.Height, ImageFormat.Png), drawn.Width, drawn.Height);
    }

    /// <summary>The drawn chart before it is encoded, with where a tornado's end labels and bars landed (for tests).</summary>
    internal static DrawnChart Draw(ReportChart chart, int width, int height)
    {
        var plot = Build(chart, width, out var endLabels);
        if (chart.Kind != ChartKind.Tornado)
        {
            return new DrawnChart(plot, width, height, null);
        }
        height = TornadoLayout.Fit(plot, chart, endLabels, width, height);
        return new DrawnChart(plot, width, height, TornadoLayout.Boxes(plot, chart, endLabels));
    }

    private static Plot Build(ReportChart chart, int width, out List<TornadoEndLabel> endLabels)
    {
        endLabels = [];
        var plot = new Plot();
        if (Font.Value is { } font)
        {
            plot.Font.Set(font);
        }
        plot.Title(chart.Title, TitleSize(chart.Title, width));
        plot.Axes.Title.FullFigureCenter = true;
        if (chart.Subtitle.Length > 0)
        {
            var subtitle = new ScottPlot.Panels.TitlePanel { FullFigureCenter = true };
            subtitle.Label.Text = chart.Subtitle;
            subtitle.Label.FontSize = 12;
            subtitle.Label.ForeColor = Colors.DimGray;
            if (Font.Value is { } subtitleFont)
            {
                subtitle.Label.FontName = subtitleFont;
            }
            plot.Axes.AddPanel(subtitle);
        }
        plot.XLabel(chart.X.Label, 14);
        plot.YLabel(chart.Y.Label, 14);
        plot.Axes.Bottom.TickGenerator = Ticks(chart.X);
        plot.Axes.Left.TickGenerator = Ticks(chart.Y);
        var legend = new List<LegendItem>();
        foreach (var element in chart.Elements)
        {
            Draw(plot, element, legend, endLabels);
        }
        if (chart.Kind == ChartKind.Tornado)
        {
            legend.Insert(0, Swatch("Parameter at its low value", Color(ExperimentCharts.LowColor)));
            legend.Insert(1, Swatch("Parameter at its high value", Color(ExperimentCharts.HighColor)));
        }
        else if (chart.Elements.OfType<ChartBars>().ToList() is { Count: > 0 } bars && bars.All(b => b.Values.Concat(b.Lows ?? []).All(v => v >= 0)))
        {
            // Bars of positive quantities stand on the axis.
            plot.Axes.Margins(left: 0.05, right: 0.05, bottom: 0, top: 0.08);
        }
        if (legend.Count > 0)
        {
            plot.Legend.DisplayPlottableLegendItems = false;
            plot.Legend.ManualItems.AddRange(legend);
            plot.Legend.FontSize = 13;
            plot.Legend.SymbolWidth = 32;
            plot.ShowLegend(Edge.Bottom);
        }
        return plot;
    }

    /// <summary>The title's font size: 17 px unless the title is too long for the image at that size.</summary>
    private static float TitleSize(string title, int width) => Math.Clamp(0.9f * width / (0.58f * Math.Max(title.Length, 1)), 11f, 17f);

    private static void Draw(Plot plot, ChartElement element, List<LegendItem> legend, List<TornadoEndLabel> endLabels)
    {
        switch (element)
        {
            case ChartLine line:
                var scatter = plot.Add.ScatterLine(line.Xs.ToArray(), line.Ys.ToArray(), Color(line.Color));
                scatter.LineWidth = 2.5f;
                scatter.LinePattern = line.Dashed ? LinePattern.Dashed : LinePattern.Solid;
                scatter.MarkerShape = line.Dashed ? MarkerShape.None : MarkerShape.FilledCircle;
                scatter.MarkerSize = line.Dashed ? 0 : 6;
                AddLine(legend, line.Label, Color(line.Color), line.Dashed ? LinePattern.Dashed : LinePattern.Solid);
                break;
            case ChartBand band:
                var fill = plot.Add.FillY(band.Xs.ToArray(), band.Lows.ToArray(), band.Highs.ToArray());
                fill.FillColor = Color(band.Color).WithAlpha(0.25);
                fill.LineWidth = 0;
                AddSwatch(legend, band.Label, Color(band.Color).WithAlpha(0.25));
                break;
            case ChartBars bars:
                DrawBars(plot, bars);
                AddSwatch(legend, bars.Label, Color(bars.Color));
                break;
            case ChartTornadoBar bar:
                DrawTornadoBar(plot, bar, endLabels);
                break;
            case ChartReferenceLine reference:
                plot.Add.VerticalLine(reference.X, 1.5f, Colors.Black, LinePattern.Dotted);
                AddLine(legend, reference.Label, Colors.Black, LinePattern.Dotted);
                break;
            case ChartLegendKey key:
                AddLine(legend, key.Label, Colors.DimGray, key.Dashed ? LinePattern.Dashed : LinePattern.Solid);
                break;
            default:
                throw new NotSupportedException($"No drawing for {element.GetType().Name}");
        }
    }

    private static void DrawBars(Plot plot, ChartBars bars)
    {
        var color = Color(bars.Color);
        plot.Add.Bars(bars.Positions.Select((p, i) => new Bar
        {
            Position = p,
            Value = bars.Values[i],
            Size = bars.Width,
            FillColor = color,
            LineWidth = 0,
        }).ToArray());
        if (bars.Lows is { } lows && bars.Highs is { } highs)
        {
            var whiskers = plot.Add.ErrorBar([.. bars.Positions], [.. bars.Values], [.. bars.Values.Select(_ => 0.0)]);
            whiskers.YErrorNegative = [.. bars.Values.Select((v, i) => v - lows[i])];
            whiskers.YErrorPositive = [.. bars.Values.Select((v, i) => highs[i] - v)];
            whiskers.Color = Colors.Black;
            whiskers.LineWidth = 2;
            whiskers.CapSize = 12;
        }
    }

    private static void DrawTornadoBar(Plot plot, ChartTornadoBar bar, List<TornadoEndLabel> endLabels)
    {
        (double To, int Color)[] sides = [(bar.MetricAtLow, ExperimentCharts.LowColor), (bar.MetricAtHigh, ExperimentCharts.HighColor)];
        // The longer side first, so that a shorter one on the same side of the center stays visible on top of it.
        foreach (var side in sides.OrderByDescending(s => Math.Abs(s.To - bar.Center)))
        {
            plot.Add.Bars(new[]
            {
                new Bar
                {
                    Position = bar.Position,
                    ValueBase = bar.Center,
                    Value = side.To,
                    Size = TornadoLayout.BarHeight,
                    FillColor = Color(side.Color),
                    LineWidth = 0,
                    Orientation = Orientation.Horizontal,
                },
            });
        }
        // Each value outside its own end; when the two ends meet (no swing), the low value goes left and the high value right.
        var lowGoesRight = bar.MetricAtLow > bar.MetricAtHigh;
        endLabels.Add(EndLabel(plot, bar, bar.LowLabel, bar.MetricAtLow, lowGoesRight));
        endLabels.Add(EndLabel(plot, bar, bar.HighLabel, bar.MetricAtHigh, !lowGoesRight));
    }

    /// <summary>A parameter value written just outside its end of the bar, on a light ground where it crosses a bar of its row.</summary>
    private static TornadoEndLabel EndLabel(Plot plot, ChartTornadoBar bar, string text, double end, bool right)
    {
        var label = plot.Add.Text(text, end, bar.Position);
        label.Alignment = right ? Alignment.MiddleLeft : Alignment.MiddleRight;
        label.OffsetX = right ? TornadoLayout.LabelGap : -TornadoLayout.LabelGap;
        label.LabelFontSize = 12;
        label.LabelFontColor = Colors.Black;
        label.LabelBackgroundColor = Colors.White.WithAlpha(0.75);
        if (Font.Value is { } font)
        {
            label.LabelFontName = font;
        }
        return new TornadoEndLabel(label, bar, end, right);
    }

    private static ITickGenerator Ticks(ChartAxis axis) => axis.Ticks is { } ticks
        ? new NumericManual([.. ticks.Select(t => t.Position)], [.. ticks.Select(t => t.Label)])
        : new SteadyTicks(axis.Format);

    /// <summary>ScottPlot's automatic ticks, relabelled so that every label of an axis has the same decimals and scale.</summary>
    private sealed class SteadyTicks(ValueFormat format) : ITickGenerator
    {
        private readonly NumericAutomatic _automatic = new()
        {
            LabelFormatter = value => Formats.Tick(format, value),
            IntegerTicksOnly = format is ValueFormat.Year or ValueFormat.Units,
        };

        public Tick[] Ticks { get; set; } = [];

        public int MaxTickCount
        {
            get => _automatic.MaxTickCount;
            set => _automatic.MaxTickCount = value;
        }

        public void Regenerate(CoordinateRange range, Edge edge, PixelLength size, Paint paint, LabelStyle labelStyle)
        {
            _automatic.Regenerate(range, edge, size, paint, labelStyle);
            var major = _automatic.Ticks.Where(t => t.IsMajor).Select(t => t.Position).ToList();
            var labels = Formats.Ticks(format, major);
            var next = 0;
            Ticks = [.. _automatic.Ticks.Select(t => t.IsMajor ? new Tick(t.Position, labels[next++], true) : t)];
        }
    }

    private static Color Color(int index) => index < 0 ? Colors.Gray : Palette.GetColor(index);

    private static void AddLine(List<LegendItem> legend, string? label, Color color, LinePattern pattern)
    {
        if (!string.IsNullOrEmpty(label))
        {
            legend.Add(new LegendItem
            {
                LabelText = label,
                LineColor = color,
                LineWidth = 2.5f,
                LinePattern = pattern,
            });
        }
    }

    private static void AddSwatch(List<LegendItem> legend, string? label, Color color)
    {
        if (!string.IsNullOrEmpty(label))
        {
            legend.Add(Swatch(label, color));
        }
    }

    private static LegendItem Swatch(string label, Color color) => new() { LabelText = label, FillColor = color, LineWidth = 0 };
}
