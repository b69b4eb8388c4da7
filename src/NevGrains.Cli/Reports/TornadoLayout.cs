using ScottPlot;

namespace NevGrains.Cli.Reports;

/// <summary>A chart encoded as PNG, with the size it was drawn at (a tornado may be taller than asked).</summary>
public sealed record RenderedChart(byte[] Png, int Width, int Height);

/// <summary>A rectangle in image pixels, y down.</summary>
public readonly record struct PixelBox(double Left, double Top, double Right, double Bottom)
{
    /// <summary>True when the two share area (touching edges do not count).</summary>
    public bool Overlaps(PixelBox other) => Left < other.Right && other.Left < Right && Top < other.Bottom && other.Top < Bottom;

    public bool Inside(PixelBox outer) => Left >= outer.Left && Right <= outer.Right && Top >= outer.Top && Bottom <= outer.Bottom;
}

/// <summary>Where a tornado's end label or half-bar landed: the bar's row (its position) and its box.</summary>
public sealed record PlacedBox(string Text, double Row, PixelBox Box);

/// <summary>A chart drawn but not yet encoded; for a tornado, the data area and where its labels and bars landed.</summary>
internal sealed record DrawnChart(Plot Plot, int Width, int Height, TornadoBoxes? Tornado) : IDisposable
{
    public void Dispose() => Plot.Dispose();
}

public sealed record TornadoBoxes(PixelBox DataArea, IReadOnlyList<PlacedBox> Labels, IReadOnlyList<PlacedBox> Bars);

/// <summary>A tornado end label as drawn: which bar, which end (metric value) and on which side of it.</summary>
internal sealed record TornadoEndLabel(ScottPlot.Plottables.Text Plottable, ChartTornadoBar Bar, double End, bool Right);

/// <summary>
/// Sizes a tornado so that its end labels never overlap: a row per bar at least one label high (the image grows taller when
/// needed), and horizontal limits wide enough that every label fits inside the data area beside its end of the bar.
/// </summary>
internal static class TornadoLayout
{
    /// <summary>A bar's height in rows.</summary>
    public const double BarHeight = 0.6;

    /// <summary>Pixels between a bar's end and its label.</summary>
    public const float LabelGap = 6;

    /// <summary>Pixels between labels of neighbouring rows, and between a label and the data area's edge.</summary>
    private const double Spacing = 4;

    /// <summary>Lays the tornado out in the plot and returns the image height it needs (at least <paramref name="height"/>).</summary>
    public static int Fit(Plot plot, ReportChart chart, IReadOnlyList<TornadoEndLabel> labels, int width, int height)
    {
        var (bottom, top) = Rows(chart);
        var ends = chart.Elements.OfType<ChartTornadoBar>().SelectMany(b => new[] { b.Center, b.MetricAtLow, b.MetricAtHigh }).ToList();
        var (min, max) = (ends.Min(), ends.Max());
        var span = Math.Max(max - min, Math.Abs(max) * 1e-3 + 1e-12);
        plot.Axes.SetLimits(min - 0.15 * span, max + 0.15 * span, bottom, top);
        var sizes = Measure(labels);
        var rowHeight = sizes.Max(s => s.Height) + Spacing;

        plot.RenderInMemory(width, height);
        var data = plot.RenderManager.LastRender.DataRect;
        var needed = (int)Math.Ceiling(height - data.Height + rowHeight * (top - bottom));
        if (needed > height)
        {
            height = needed;
        }
        // The data area's width depends a little on the bottom ticks, which depend on the limits: settle it twice.
        for (var pass = 0; pass < 2; pass++)
        {
            plot.RenderInMemory(width, height);
            data = plot.RenderManager.LastRender.DataRect;
            var (left, right) = Limits(labels, sizes, ends, data.Width);
            plot.Axes.SetLimits(left, right, bottom, top);
        }
        plot.RenderInMemory(width, height);
        return height;
    }

    /// <summary>Where the labels and half-bars landed in the last render, in pixels.</summary>
    public static TornadoBoxes Boxes(Plot plot, ReportChart chart, IReadOnlyList<TornadoEndLabel> labels)
    {
        var data = plot.RenderManager.LastRender.DataRect;
        var sizes = Measure(labels);
        var placed = labels.Select((label, i) =>
        {
            var anchor = plot.GetPixel(new Coordinates(label.End, label.Bar.Position));
            var (w, h) = sizes[i];
            var left = label.Right ? anchor.X + LabelGap : anchor.X - LabelGap - w;
            return new PlacedBox(label.Plottable.LabelText, label.Bar.Position, new PixelBox(left, anchor.Y - h / 2, left + w, anchor.Y + h / 2));
        }).ToList();
        var bars = chart.Elements.OfType<ChartTornadoBar>()
            .SelectMany(b => new[] { b.MetricAtLow, b.MetricAtHigh }.Select(end =>
            {
                var from = plot.GetPixel(new Coordinates(Math.Min(b.Center, end), b.Position + BarHeight / 2));
                var to = plot.GetPixel(new Coordinates(Math.Max(b.Center, end), b.Position - BarHeight / 2));
                return new PlacedBox(b.Parameter, b.Position, new PixelBox(from.X, from.Y, to.X, to.Y));
            }))
            .ToList();
        return new TornadoBoxes(new PixelBox(data.Left, data.Top, data.Right, data.Bottom), placed, bars);
    }

    private static (double Bottom, double Top) Rows(ReportChart chart)
    {
        var positions = chart.Elements.OfType<ChartTornadoBar>().Select(b => b.Position).ToList();
        return (positions.Min() - 0.6, positions.Max() + 0.6);
    }

    private static List<(double Width, double Height)> Measure(IReadOnlyList<TornadoEndLabel> labels)
    {
        using var paint = Paint.NewDisposablePaint();
        return [.. labels.Select(l =>
        {
            var style = l.Plottable.LabelStyle;
            var size = style.Measure(paint);
            var padding = style.PixelPadding;
            return ((double)size.Width + padding.Left + padding.Right, (double)size.Height + padding.Top + padding.Bottom);
        })];
    }

    /// <summary>
    /// The narrowest horizontal limits in which every label fits: a value x whose label needs a pixels to its right fits when
    /// x + a R / W stays below the right limit, R being the limits' span and W the data area's width. Every pair of a rightward and a
    /// leftward need then asks R &gt;= (x_r - x_l) / (1 - (a_r + a_l) / W); the largest such R is the span, centred on the needs.
    /// </summary>
    private static (double Left, double Right) Limits(IReadOnlyList<TornadoEndLabel> labels, List<(double Width, double Height)> sizes,
        IReadOnlyList<double> ends, double width)
    {
        var rightward = new List<(double X, double Pixels)>();
        var leftward = new List<(double X, double Pixels)>();
        foreach (var end in ends)
        {
            rightward.Add((end, Spacing));
            leftward.Add((end, Spacing));
        }
        for (var i = 0; i < labels.Count; i++)
        {
            (labels[i].Right ? rightward : leftward).Add((labels[i].End, LabelGap + sizes[i].Width + Spacing));
        }
        var (min, max) = (ends.Min(), ends.Max());
        var span = Math.Max(max - min, Math.Abs(max) * 1e-3 + 1e-12);
        foreach (var (xr, ar) in rightward)
        {
            foreach (var (xl, al) in leftward)
            {
                // Labels wider than the whole area cannot fit at any span; they are given a fifth of it.
                var room = Math.Max(1 - (ar + al) / width, 0.2);
                span = Math.Max(span, (xr - xl) / room);
            }
        }
        var left = leftward.Min(n => n.X - n.Pixels * span / width);
        var rightNeed = rightward.Max(n => n.X + n.Pixels * span / width);
        var slack = Math.Max(0, left + span - rightNeed);
        left -= slack / 2;
        return (left, left + span);
    }
}
