using Spectre.Console;

namespace NevGrains.Cli;

/// <summary>Spectre.Console on a given writer (the real console, or a StringWriter in tests).</summary>
internal static class Terminal
{
    public static IAnsiConsole Create(TextWriter writer)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = writer == Console.Out ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = writer == Console.Out ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = writer == Console.Out ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (writer != Console.Out || Console.IsOutputRedirected)
        {
            console.Profile.Width = 160; // files and pipes: wide enough that tables and messages do not wrap
        }
        return console;
    }
}
