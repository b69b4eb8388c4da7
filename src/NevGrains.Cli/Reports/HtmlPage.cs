using System.Net;
using System.Text;

namespace NevGrains.Cli.Reports;

/// <summary>One self-contained HTML page: inline styles, PNGs as data: URIs, no scripts, nothing fetched.</summary>
internal static class HtmlPage
{
    private const string Style = """
        body { font-family: "DejaVu Sans", "Segoe UI", Arial, sans-serif; margin: 2rem auto; max-width: 1040px; color: #222; }
        h1 { font-size: 1.6rem; margin-bottom: 0.2rem; }
        h2 { font-size: 1.2rem; margin: 2.5rem 0 0.2rem; }
        p.meta { color: #666; margin-top: 0; }
        nav ol { padding-left: 1.4rem; }
        img { max-width: 100%; height: auto; border: 1px solid #ddd; }
        table { border-collapse: collapse; margin-top: 0.6rem; font-size: 0.9rem; }
        th, td { border-bottom: 1px solid #ddd; padding: 0.25rem 0.7rem; text-align: right; }
        th:first-child, td:first-child { text-align: left; }
        th { background: #f4f4f4; }
        """;

    public static string Render(string title, IReadOnlyList<ReportChart> charts, IReadOnlyList<RenderedChart> images)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<title>").Append(Encode(title)).Append("</title>\n")
            .Append("<style>\n").Append(Style).Append("</style>\n</head>\n<body>\n")
            .Append("<h1>").Append(Encode(title)).Append("</h1>\n")
            .Append("<p class=\"meta\">").Append(charts.Count).Append(charts.Count == 1 ? " chart" : " charts").Append("</p>\n")
            .Append("<nav><ol>\n");
        for (var i = 0; i < charts.Count; i++)
        {
            html.Append("<li><a href=\"#").Append(Encode(charts[i].FileStem)).Append("\">").Append(Encode(charts[i].Title)).Append("</a></li>\n");
        }
        html.Append("</ol></nav>\n");
        for (var i = 0; i < charts.Count; i++)
        {
            var chart = charts[i];
            html.Append("<section id=\"").Append(Encode(chart.FileStem)).Append("\">\n")
                .Append("<h2>").Append(Encode(chart.Title)).Append("</h2>\n")
                .Append("<p class=\"meta\">").Append(Encode(chart.Subtitle)).Append("</p>\n")
                .Append("<img width=\"").Append(images[i].Width).Append("\" height=\"").Append(images[i].Height).Append("\" alt=\"").Append(Encode(chart.Title))
                .Append("\" src=\"data:image/png;base64,").Append(Convert.ToBase64String(images[i].Png)).Append("\">\n");
            AppendTable(html, chart.Summary);
            html.Append("</section>\n");
        }
        return html.Append("</body>\n</html>\n").ToString();
    }

    private static void AppendTable(StringBuilder html, SummaryTable table)
    {
        html.Append("<table>\n<thead><tr>");
        foreach (var column in table.Columns)
        {
            html.Append("<th>").Append(Encode(column)).Append("</th>");
        }
        html.Append("</tr></thead>\n<tbody>\n");
        foreach (var row in table.Rows)
        {
            html.Append("<tr>");
            foreach (var cell in row)
            {
                html.Append("<td>").Append(Encode(cell)).Append("</td>");
            }
            html.Append("</tr>\n");
        }
        html.Append("</tbody>\n</table>\n");
    }

    /// <summary>Escapes text for element content and quoted attribute values (&amp;, &lt;, &gt;, quotes).</summary>
    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
