using Xunit;

namespace NevGrains.TestSupport;

/// <summary>Waiting for a distributed system to settle: poll a condition until it holds or a deadline passes.</summary>
public static class Poll
{
    /// <summary>Polls every 250 ms; past <paramref name="timeout"/> it fails with <paramref name="failure"/>'s message.</summary>
    public static async Task Until(Func<Task<bool>> condition, TimeSpan timeout, Func<string> failure)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{failure()} (waited {timeout})");
            }
            await Task.Delay(250, TestContext.Current.CancellationToken);
        }
    }
}
