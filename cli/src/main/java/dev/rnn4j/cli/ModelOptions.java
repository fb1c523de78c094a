package dev.rnn4j.cli;

import dev.rnn4j.nn.CellType;
import dev.rnn4j.seq2seq.AttentionType;
import dev.rnn4j.seq2seq.Seq2SeqConfig;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * The model-shape options of {@code rnn4j train} as a picocli mixin ({@code @Mixin ModelOptions
 * model;}), shared with other front ends (the Spark trainer's {@code train}) so that an option
 * means the same everywhere. Not thread-safe (filled in by picocli, then read once).
 */
public final class ModelOptions {
  @Option(names = "--cell", defaultValue = "lstm", description = "lstm, gru, rnn_tanh or rnn_relu")
  String cell;

  @Option(names = "--embed", defaultValue = "128", description = "embedding size")
  int embed;

  @Option(
      names = "--encoder-hidden",
      defaultValue = "256",
      description = "encoder size per direction")
  int encoderHidden;

  @Option(
      names = "--encoder-layers",
      defaultValue = "2",
      description = "encoder layers (default 2)")
  int encoderLayers;

  @Option(
      names = "--unidirectional",
      description = "one-directional encoder (default: bidirectional)")
  boolean unidirectional;

  @Option(
      names = "--decoder-hidden",
      defaultValue = "512",
      description = "decoder size (default 512)")
  int decoderHidden;

  @Option(
      names = "--decoder-layers",
      defaultValue = "2",
      description = "decoder layers (default 2)")
  int decoderLayers;

  @Option(
      names = "--attention",
      defaultValue = "general",
      description = "general, dot, concat, bahdanau or none")
  String attention;

  @Option(
      names = "--dropout",
      description =
          "dropout between recurrent layers and before the output projection (default:"
              + " ${DEFAULT-VALUE})")
  float dropout;

  @Option(
      names = "--embedding-dropout",
      defaultValue = "0",
      description = "dropout on the source and target embeddings (default 0)")
  float embeddingDropout;

  @Option(
      names = "--input-feeding",
      description = "Luong input feeding (h̃ of step t-1 fed to step t)")
  boolean inputFeeding;

  @Option(names = "--tie-embeddings", description = "share decoder embedding and output weights")
  boolean tie;

  @Option(
      names = "--share-embeddings",
      description =
          "one embedding table for source and target (builds one joint vocabulary; with"
              + " --tie-embeddings the output layer shares it too)")
  boolean shareEmbeddings;

  @Option(
      names = "--copy-attention",
      description =
          "pointer-generator output: each step mixes generating a token with copying a source"
              + " token through the attention (builds one joint vocabulary; needs attention and"
              + " --label-smoothing 0)")
  boolean copyAttention;

  @Option(
      names = "--coverage-loss",
      defaultValue = "0",
      description =
          "weight of the coverage loss (See et al. 2017), which penalises attending to a source"
              + " token again (default 0: none; 1 in the paper)")
  float coverageLoss;

  @Option(
      names = "--coverage-attention",
      description =
          "the attention scores also read how much each source token has been attended to"
              + " (See et al. 2017; training runs the decoder step by step)")
  boolean coverageAttention;

  /** Whether these options need one vocabulary for both sides (shared embeddings, copying). */
  public boolean needsJointVocabulary() {
    return shareEmbeddings || copyAttention;
  }

  /** The options with their documented defaults (dropout 0.2). */
  public ModelOptions() {
    this(0.2f);
  }

  /**
   * The options with another default dropout: the Spark trainer's is 0, where its synchronous
   * training equals single-process training exactly.
   */
  public ModelOptions(float defaultDropout) {
    this.dropout = defaultDropout;
  }

  /**
   * The configuration of a checkpoint being resumed, after checking that no model option given on
   * the command line ({@code given} tells which were) contradicts it; the options left out take the
   * checkpoint's values.
   *
   * @throws IllegalArgumentException naming the first option whose value differs from the
   *     checkpoint's, with both values
   */
  public Seq2SeqConfig resumed(
      Seq2SeqConfig saved, java.util.function.Predicate<String> given, String from) {
    Seq2SeqConfig mine = config(saved.srcVocab(), saved.tgtVocab());
    Object[][] pairs = {
      {"--cell", mine.cell(), saved.cell()},
      {"--embed", mine.embedSize(), saved.embedSize()},
      {"--encoder-hidden", mine.encoderHidden(), saved.encoderHidden()},
      {"--encoder-layers", mine.encoderLayers(), saved.encoderLayers()},
      {"--unidirectional", !mine.bidirectional(), !saved.bidirectional()},
      {"--decoder-hidden", mine.decoderHidden(), saved.decoderHidden()},
      {"--decoder-layers", mine.decoderLayers(), saved.decoderLayers()},
      {"--attention", mine.attention(), saved.attention()},
      {"--dropout", mine.dropout(), saved.dropout()},
      {"--embedding-dropout", mine.embeddingDropout(), saved.embeddingDropout()},
      {"--input-feeding", mine.inputFeeding(), saved.inputFeeding()},
      {"--tie-embeddings", mine.tieEmbeddings(), saved.tieEmbeddings()},
      {"--share-embeddings", mine.shareEmbeddings(), saved.shareEmbeddings()},
      {"--copy-attention", mine.copyAttention(), saved.copyAttention()},
      {"--coverage-loss", mine.coverageLoss(), saved.coverageLoss()},
      {"--coverage-attention", mine.coverageAttention(), saved.coverageAttention()},
    };
    for (Object[] p : pairs) {
      if (given.test((String) p[0]) && !p[1].equals(p[2])) {
        throw new IllegalArgumentException(
            p[0]
                + " "
                + String.valueOf(p[1]).toLowerCase(Locale.ROOT)
                + " contradicts the checkpoint being resumed ("
                + from
                + " has "
                + String.valueOf(p[2]).toLowerCase(Locale.ROOT)
                + "); leave it out to resume, or train a new model into another --out");
      }
    }
    return saved;
  }

  /**
   * Sets every option to its value in {@code saved} (a resumed checkpoint's configuration), so that
   * the options describe the model being trained.
   */
  public void adopt(Seq2SeqConfig saved) {
    cell = saved.cell().name().toLowerCase(Locale.ROOT);
    embed = saved.embedSize();
    encoderHidden = saved.encoderHidden();
    encoderLayers = saved.encoderLayers();
    unidirectional = !saved.bidirectional();
    decoderHidden = saved.decoderHidden();
    decoderLayers = saved.decoderLayers();
    attention = saved.attention().name().toLowerCase(Locale.ROOT);
    dropout = saved.dropout();
    embeddingDropout = saved.embeddingDropout();
    inputFeeding = saved.inputFeeding();
    tie = saved.tieEmbeddings();
    shareEmbeddings = saved.shareEmbeddings();
    copyAttention = saved.copyAttention();
    coverageLoss = saved.coverageLoss();
    coverageAttention = saved.coverageAttention();
  }

  /**
   * The validated configuration for these vocabulary sizes; a bad {@code --cell} or {@code
   * --attention} name, or an invalid combination, throws IllegalArgumentException naming it.
   */
  public Seq2SeqConfig config(int srcVocab, int tgtVocab) {
    CellType c;
    AttentionType a;
    try {
      c = CellType.valueOf(cell.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "--cell: unknown cell '" + cell + "'; use lstm, gru, rnn_tanh or rnn_relu");
    }
    try {
      a = AttentionType.valueOf(attention.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "--attention: unknown type '"
              + attention
              + "'; use general, dot, concat, bahdanau or none");
    }
    return new Seq2SeqConfig(
        srcVocab,
        tgtVocab,
        embed,
        c,
        encoderHidden,
        encoderLayers,
        !unidirectional,
        decoderHidden,
        decoderLayers,
        a,
        dropout,
        tie,
        inputFeeding,
        embeddingDropout,
        shareEmbeddings,
        copyAttention,
        coverageLoss,
        coverageAttention);
  }
}
