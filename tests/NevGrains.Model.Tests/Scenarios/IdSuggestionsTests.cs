using NevGrains.Model.Scenarios;

namespace NevGrains.Model.Tests.Scenarios;

public sealed class IdSuggestionsTests
{
    private static readonly string[] Brands = ["byd", "chery", "geely", "leapmotor", "nio", "saic-mg", "xpeng"];

    [Theory]
    [InlineData("bydd", "byd")]
    [InlineData("BYD", "byd")]
    [InlineData("leapmoter", "leapmotor")]
    [InlineData("xpng", "xpeng")]
    [InlineData("saic_mg", "saic-mg")]
    public void A_typo_suggests_the_id_meant(string typed, string meant) => Assert.Equal(meant, IdSuggestions.Nearest(typed, Brands));

    [Theory]
    [InlineData("tesla")]
    [InlineData("volkswagen")]
    [InlineData("")]
    public void An_id_far_from_every_valid_one_suggests_nothing(string typed) => Assert.Null(IdSuggestions.Nearest(typed, Brands));

    [Fact]
    public void The_message_lists_the_valid_ids_sorted_and_cuts_a_long_id_short()
    {
        var message = IdSuggestions.Unknown("brand", new string('x', 10_000), ["xpeng", "byd"]);

        Assert.StartsWith($"unknown brand '{new string('x', 40)}...'", message, StringComparison.Ordinal);
        Assert.EndsWith("(valid: byd, xpeng)", message, StringComparison.Ordinal);
        Assert.True(message.Length < 120);
    }
}
