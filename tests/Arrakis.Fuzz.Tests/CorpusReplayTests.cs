namespace Arrakis.Fuzz.Tests;

/// <summary>
/// Replays every file of fuzz/corpus/&lt;target&gt;/ (seeds, what AFL found worth keeping, and every
/// crash ever found) through the target: CI's regression test for the parsers of untrusted bytes.
/// </summary>
public sealed class CorpusReplayTests
{
    public static TheoryData<string> Targets() => [.. FuzzTargets.All.Keys];

    [Theory]
    [MemberData(nameof(Targets))]
    public void Corpus_ReplaysWithoutFailure(string target)
    {
        var files = Directory.GetFiles(Path.Combine(CorpusRoot(), target)).Order().ToArray();
        Assert.NotEmpty(files);
        var failures = new List<string>();
        foreach (string file in files)
        {
            try
            {
                FuzzTargets.All[target](File.ReadAllBytes(file));
            }
            catch (Exception e)
            {
                failures.Add($"{Path.GetFileName(file)}: {e.GetType().Name}: {e.Message}");
            }
        }
        Assert.True(failures.Count == 0, $"{failures.Count} of {files.Length} inputs failed:\n" + string.Join('\n', failures));
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void EmptyAndOneByteInputs_RunWithoutFailure(string target)
    {
        FuzzTargets.All[target]([]);
        for (int b = 0; b < 256; b++) FuzzTargets.All[target]([(byte)b]);
    }

    [Fact]
    public void EveryCorpusFolder_HasATarget()
    {
        foreach (string folder in Directory.GetDirectories(CorpusRoot()))
            Assert.Contains(Path.GetFileName(folder), FuzzTargets.All.Keys);
    }

    /// <summary>fuzz/corpus of the checkout the tests were built from.</summary>
    private static string CorpusRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "fuzz", "corpus");
            if (Directory.Exists(candidate)) return candidate;
        }
        throw new DirectoryNotFoundException("fuzz/corpus not found above " + AppContext.BaseDirectory);
    }
}
