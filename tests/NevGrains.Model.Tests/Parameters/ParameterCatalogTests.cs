using NevGrains.Model.Parameters;

namespace NevGrains.Model.Tests.Parameters;

public sealed class ParameterCatalogTests
{
    [Fact]
    public void Every_parameter_has_its_own_short_label_for_charts()
    {
        var labels = ParameterCatalog.All.Select(p => p.Label).ToList();

        Assert.All(ParameterCatalog.All, p =>
        {
            Assert.False(string.IsNullOrWhiteSpace(p.Label), p.Name);
            Assert.InRange(p.Label.Length, 1, 40);
            Assert.DoesNotContain(p.Name, p.Label, StringComparison.Ordinal);
            Assert.True(char.IsUpper(p.Label[0]), $"{p.Name}: '{p.Label}' starts in lower case");
        });
        Assert.Equal(labels.Count, labels.Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }
}
