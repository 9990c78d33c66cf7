using Markdig;
using Markdig.Helpers;
using Markdig.Parsers;
using Markdig.Renderers;

namespace Bulwark.Core.Readmes;

/// <summary>
/// Puts a deadline check in front of Markdig's block and inline parsers. Markdig has paths that are quadratic
/// in the size of one paragraph (bare links, emphasis delimiters, link destinations) and takes no cancellation
/// token; these parsers match nothing, they are only called often enough, once per line and once per
/// special character, to stop a render that has run out of time.
/// </summary>
internal sealed class MarkdownWatchdog : IMarkdownExtension
{
    /// <summary>Key of the <see cref="RenderDeadline"/> in <see cref="MarkdownParserContext.Properties"/>.</summary>
    public static readonly object DeadlineKey = new();

    public void Setup(MarkdownPipelineBuilder pipeline)
    {
        // Inserted first, after every other extension has added its parsers (this one is added last).
        pipeline.BlockParsers.Insert(0, new BlockCheck());
        pipeline.InlineParsers.Insert(0, new InlineCheck());
    }

    public void Setup(MarkdownPipeline pipeline, IMarkdownRenderer renderer)
    {
    }

    private static void Check(MarkdownParserContext? context)
    {
        if (context is not null && context.Properties.TryGetValue(DeadlineKey, out var value) && value is RenderDeadline deadline) deadline.Check();
    }

    private sealed class BlockCheck : BlockParser
    {
        public override BlockState TryOpen(BlockProcessor processor)
        {
            Check(processor.Context);
            return BlockState.None;
        }
    }

    private sealed class InlineCheck : InlineParser
    {
        public InlineCheck() => OpeningCharacters = "*_~^=+[]!<>`\\&:wWhHfFmMtT|(".ToCharArray();

        public override bool Match(InlineProcessor processor, ref StringSlice slice)
        {
            Check(processor.Context);
            return false;
        }
    }
}
