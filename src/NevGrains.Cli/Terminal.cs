using Spectre.Console;

namespace NevGrains.Cli;

/// <summary>Spectre.Console on a given writer (the real console, or a StringWriter in tests).</summary>
internal static class Terminal
{
    public static IAnsiConsole Create(TextWriter writer) => AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(writer),
        Ansi = writer == Console.Out ? AnsiSupport.Detect : AnsiSupport.No,
        ColorSystem = writer == Console.Out ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
        Interactive = InteractionSupport.No,
    });
}
