package dev.rnn4j.seq2seq;

import dev.rnn4j.backend.Backend;
import dev.rnn4j.data.BpeTokenizer;
import dev.rnn4j.data.CharTokenizer;
import dev.rnn4j.data.SubwordTokenizer;
import dev.rnn4j.data.Tokenizer;
import dev.rnn4j.data.Utf8;
import dev.rnn4j.data.Vocabulary;
import dev.rnn4j.data.WhitespaceTokenizer;
import dev.rnn4j.io.AtomicFiles;
import dev.rnn4j.io.FileChecksums;
import dev.rnn4j.io.FileFormatException;
import dev.rnn4j.io.HostTensor;
import dev.rnn4j.io.Json;
import dev.rnn4j.io.SafeTensors;
import dev.rnn4j.io.Visible;
import dev.rnn4j.nn.CellType;
import dev.rnn4j.nn.LoadResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A model directory: {@code config.json} (the model configuration and tokenizers), {@code
 * model.safetensors} (parameters under their PyTorch-style names, readable by {@code
 * safetensors.torch.load_file}), {@code source.vocab}, {@code target.vocab}, the learned
 * tokenizers' models where there are some ({@code source.bpe}/{@code target.bpe}, or {@code
 * source.spm}/{@code target.spm} for {@link SubwordTokenizer}), and for resuming {@code
 * trainer.json} and {@code optimizer.safetensors}. {@code config.json}, written last, records the
 * SHA-256 of every other file, and loading refuses a file that does not match (a vocabulary swapped
 * for another of the same size would otherwise translate wrongly without a word). Directories are
 * written atomically (see {@link AtomicFiles#writeDirectory}): a reader always finds a complete
 * version, and a crash leaves the previous one.
 */
public final class ModelDirectory {
  static final String FORMAT = "rnn4j-seq2seq";
  static final int VERSION = 1;
  static final String CHECKSUMS = "sha256";
  private static final int LOAD_ATTEMPTS = 3;

  private ModelDirectory() {}

  /** A loaded model with its text processing. Closing releases the model. */
  public record Loaded(
      Seq2SeqModel model,
      Vocabulary sourceVocab,
      Vocabulary targetVocab,
      Tokenizer sourceTokenizer,
      Tokenizer targetTokenizer)
      implements AutoCloseable {
    @Override
    public void close() {
      model.close();
    }
  }

  /**
   * Files saved beside the model in the same version of the directory: written after the model's
   * files and their checksums, before {@code config.json}, and not covered by the checksums (the
   * training state of {@code dev.rnn4j.train.TrainingCheckpoint}: {@code trainer.json} and {@code
   * optimizer.safetensors}, read only by a resume, from the same version).
   */
  @FunctionalInterface
  public interface Extra {
    /** Writes this state's files into {@code dir}, the new version being built. */
    void write(Path dir, Seq2SeqModel model) throws IOException;
  }

  /**
   * Writes the directory atomically (replacing an existing one); {@code training}: the training
   * state to save beside the model, or null for a model alone.
   */
  public static void save(
      Path dir,
      Seq2SeqModel model,
      Vocabulary src,
      Vocabulary tgt,
      Tokenizer srcTok,
      Tokenizer tgtTok,
      Extra training)
      throws IOException {
    Path parent = dir.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Map<String, HostTensor> params = model.stateDict();
    Map<String, Object> cfg = new LinkedHashMap<>();
    cfg.put("format", FORMAT);
    cfg.put("version", VERSION);
    cfg.put("model", configToJson(model.config()));
    cfg.put("source_tokenizer", tokenizerName(srcTok));
    cfg.put("target_tokenizer", tokenizerName(tgtTok));
    AtomicFiles.writeDirectory(
        dir,
        d -> {
          SafeTensors.save(d.resolve("model.safetensors"), params);
          src.save(d.resolve("source.vocab"));
          tgt.save(d.resolve("target.vocab"));
          saveTokenizer(srcTok, d, "source");
          saveTokenizer(tgtTok, d, "target");
          // The model's files only: the training state is optional (Spark ships a model
          // without it) and is read only by a resume, from the same version.
          cfg.put(CHECKSUMS, FileChecksums.of(d, "config.json"));
          if (training != null) {
            training.write(d, model);
          }
          Files.writeString(
              d.resolve("config.json"), Json.writePretty(cfg), StandardCharsets.UTF_8);
        });
  }

  /**
   * Loads a model directory onto a backend; a bad or foreign directory gets a clear message. All
   * files are read from one version of the directory: when a training run saves a new one while
   * this reads (a file vanishes or no longer matches its checksum), the load starts again on the
   * new version. Reads only; never changes the directory.
   */
  public static Loaded load(Path dir, Backend be) throws IOException {
    for (int attempt = 1; ; attempt++) {
      Path version = AtomicFiles.resolveForReading(dir);
      try {
        return loadVersion(dir, version, be);
      } catch (IOException e) {
        boolean replacedMeanwhile = !AtomicFiles.resolveForReading(dir).equals(version);
        if (!replacedMeanwhile || attempt == LOAD_ATTEMPTS) {
          throw e;
        }
      }
    }
  }

  private static Loaded loadVersion(Path given, Path dir, Backend be) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new NoSuchFileException(
          given
              + ": not a model directory (expected config.json,"
              + " model.safetensors, source.vocab, target.vocab)");
    }
    Path cfgFile = given.resolve("config.json");
    Map<String, Object> cfg;
    try {
      cfg =
          Json.parseObject(
              Utf8.decodeFile(Files.readAllBytes(dir.resolve("config.json")), cfgFile.toString()));
    } catch (NoSuchFileException e) {
      throw new FileFormatException(cfgFile.toString(), "missing: this is not an rnn4j model");
    } catch (IllegalArgumentException e) {
      throw new FileFormatException(cfgFile.toString(), "not valid JSON: " + e.getMessage(), e);
    }
    FileChecksums.verify(given, dir, "config.json", cfg.get(CHECKSUMS));
    Seq2SeqConfig config;
    Tokenizer srcTok;
    Tokenizer tgtTok;
    try {
      if (!FORMAT.equals(cfg.get("format"))) {
        throw new IllegalArgumentException(
            "format is '" + cfg.get("format") + "', expected '" + FORMAT + "'");
      }
      if (Json.getInt(cfg, "version") != VERSION) {
        throw new IllegalArgumentException(
            "version "
                + cfg.get("version")
                + " is not supported (this rnn4j reads "
                + VERSION
                + ")");
      }
      config = configFromJson(Json.getObject(cfg, "model"));
      srcTok = tokenizer(Json.getString(cfg, "source_tokenizer"), dir, "source");
      tgtTok = tokenizer(Json.getString(cfg, "target_tokenizer"), dir, "target");
    } catch (IllegalArgumentException e) {
      throw new FileFormatException(cfgFile.toString(), e.getMessage(), e);
    }
    Vocabulary src = Vocabulary.load(dir.resolve("source.vocab"));
    Vocabulary tgt = Vocabulary.load(dir.resolve("target.vocab"));
    if (src.size() != config.srcVocab() || tgt.size() != config.tgtVocab()) {
      throw new FileFormatException(
          given.toString(),
          "vocabulary sizes "
              + src.size()
              + "/"
              + tgt.size()
              + " differ from the configuration's "
              + config.srcVocab()
              + "/"
              + config.tgtVocab());
    }
    Path weights = dir.resolve("model.safetensors");
    SafeTensors.Contents contents = SafeTensors.read(weights);
    String weightsName = given.resolve("model.safetensors").toString(); // as the user named it
    Seq2SeqModel model = new Seq2SeqModel(be, config, 0);
    try {
      // Every tensor the configuration needs, with its shape, and no other (the PyTorch twin
      // loads the file with strict=True too). Not strict here only to word the error for this
      // file: the fresh model is closed below when anything is left over.
      LoadResult r;
      try {
        r = model.loadStateDict(contents.tensors(), false);
      } catch (IllegalArgumentException e) {
        throw new FileFormatException(
            weightsName, "does not fit config.json's model: " + e.getMessage(), e);
      }
      if (!r.missing().isEmpty()) {
        throw new FileFormatException(
            weightsName, "lacks tensor(s) " + r.missing() + " that config.json's model needs");
      }
      if (!r.unexpected().isEmpty()) {
        throw new FileFormatException(
            weightsName,
            "holds tensor(s) " + r.unexpected() + " that config.json's model does not have");
      }
      return new Loaded(model, src, tgt, srcTok, tgtTok);
    } catch (IOException | RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /** Writes the model file of a learned tokenizer as SIDE.bpe or SIDE.spm; others have none. */
  private static void saveTokenizer(Tokenizer t, Path d, String side) throws IOException {
    if (t instanceof BpeTokenizer b) {
      b.save(d.resolve(side + ".bpe"));
    } else if (t instanceof SubwordTokenizer s) {
      s.save(d.resolve(side + ".spm"));
    }
  }

  /** The name config.json records for {@code t}: char, whitespace, bpe or subword. */
  public static String tokenizerName(Tokenizer t) {
    if (t instanceof BpeTokenizer) {
      return "bpe";
    }
    if (t instanceof SubwordTokenizer) {
      return "subword";
    }
    if (t instanceof CharTokenizer) {
      return "char";
    }
    if (t instanceof WhitespaceTokenizer) {
      return "whitespace";
    }
    throw new IllegalArgumentException("cannot save tokenizer " + t.getClass().getName());
  }

  static Tokenizer tokenizer(String name, Path dir, String side) throws IOException {
    return switch (name) {
      case "char" -> new CharTokenizer();
      case "whitespace" -> new WhitespaceTokenizer();
      case "bpe" -> BpeTokenizer.load(dir.resolve(side + ".bpe"));
      case "subword" -> SubwordTokenizer.load(dir.resolve(side + ".spm"));
      default ->
          throw new IllegalArgumentException(
              "unknown tokenizer '" + name + "' (char, whitespace, bpe or subword)");
    };
  }

  static Map<String, Object> configToJson(Seq2SeqConfig c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("src_vocab", c.srcVocab());
    m.put("tgt_vocab", c.tgtVocab());
    m.put("embed_size", c.embedSize());
    m.put("cell", c.cell().name());
    m.put("encoder_hidden", c.encoderHidden());
    m.put("encoder_layers", c.encoderLayers());
    m.put("bidirectional", c.bidirectional());
    m.put("decoder_hidden", c.decoderHidden());
    m.put("decoder_layers", c.decoderLayers());
    m.put("attention", c.attention().name());
    m.put("dropout", (double) c.dropout());
    m.put("tie_embeddings", c.tieEmbeddings());
    m.put("input_feeding", c.inputFeeding());
    m.put("embedding_dropout", (double) c.embeddingDropout());
    m.put("share_embeddings", c.shareEmbeddings());
    m.put("copy_attention", c.copyAttention());
    m.put("coverage_loss", (double) c.coverageLoss());
    m.put("coverage_attention", c.coverageAttention());
    return m;
  }

  /** The constant of {@code type} named by {@code m.get(key)}; a clear message for any other. */
  private static <E extends Enum<E>> E named(Class<E> type, Map<String, Object> m, String key) {
    String name = Json.getString(m, key);
    for (E e : type.getEnumConstants()) {
      if (e.name().equals(name)) {
        return e;
      }
    }
    throw new IllegalArgumentException(
        "\""
            + key
            + "\" is "
            + Visible.quote(name)
            + ", expected one of "
            + Arrays.toString(type.getEnumConstants()));
  }

  static Seq2SeqConfig configFromJson(Map<String, Object> m) {
    return new Seq2SeqConfig(
        Json.getInt(m, "src_vocab"),
        Json.getInt(m, "tgt_vocab"),
        Json.getInt(m, "embed_size"),
        named(CellType.class, m, "cell"),
        Json.getInt(m, "encoder_hidden"),
        Json.getInt(m, "encoder_layers"),
        Json.getBoolean(m, "bidirectional"),
        Json.getInt(m, "decoder_hidden"),
        Json.getInt(m, "decoder_layers"),
        named(AttentionType.class, m, "attention"),
        (float) Json.getDouble(m, "dropout"),
        Json.getBoolean(m, "tie_embeddings"),
        m.containsKey("input_feeding") && Json.getBoolean(m, "input_feeding"),
        m.containsKey("embedding_dropout") ? (float) Json.getDouble(m, "embedding_dropout") : 0f,
        m.containsKey("share_embeddings") && Json.getBoolean(m, "share_embeddings"),
        m.containsKey("copy_attention") && Json.getBoolean(m, "copy_attention"),
        m.containsKey("coverage_loss") ? (float) Json.getDouble(m, "coverage_loss") : 0f,
        m.containsKey("coverage_attention") && Json.getBoolean(m, "coverage_attention"));
  }
}
