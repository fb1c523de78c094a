package dev.rnn4j.backend.cuda;

/**
 * Every kernel the CUDA backend launches: the module (the {@code cuda/NAME.cu} file it is built
 * from), its exported {@code extern "C"} symbol and its parameter signature, one letter per
 * parameter: {@code p} device pointer, {@code l} 64-bit integer, {@code i} 32-bit integer, {@code
 * f} float. Launches check their arguments against the signature, and a test checks the signatures
 * against the {@code .entry} declarations of the built PTX, so Java and CUDA cannot drift apart.
 */
enum Kernel {
  LSTM_CELL_FORWARD("lstm", "lstm_cell_forward_f32", "pippipipipiii"),
  LSTM_CELL_BACKWARD("lstm", "lstm_cell_backward_f32", "pipipipippipiii"),
  LSTM_STEP_FORWARD("lstm", "lstm_step_forward_f32", "pippippipipipiii"),
  GRU_CELL_FORWARD("gru", "gru_cell_forward_f32", "pipippipipipiii"),
  GRU_CELL_BACKWARD("gru", "gru_cell_backward_f32", "pipipipipipipiii"),
  RNN_CELL_FORWARD("rnn", "rnn_cell_forward_f32", "pippipiiii"),
  RNN_CELL_BACKWARD("rnn", "rnn_cell_backward_f32", "pipipipiiii"),

  SOFTMAX_FORWARD("softmax", "softmax_forward_f32", "ppii"),
  LOG_SOFTMAX_FORWARD("softmax", "log_softmax_forward_f32", "ppii"),
  SOFTMAX_BACKWARD("softmax", "softmax_backward_f32", "pppii"),
  CROSS_ENTROPY_FORWARD("softmax", "cross_entropy_forward_f32", "ppifpppii"),
  CROSS_ENTROPY_BACKWARD("softmax", "cross_entropy_backward_f32", "ppiffpii"),

  EMBEDDING_GATHER("embedding", "embedding_gather_f32", "ppppiii"),
  EMBEDDING_SCATTER_ADD("embedding", "embedding_scatter_add_f32", "ppippiii"),

  AXPBY("elementwise", "axpby_f32", "lfpfp"),
  MUL("elementwise", "mul_f32", "lppp"),
  SCALE("elementwise", "scale_f32", "lpf"),
  TANH("elementwise", "tanh_f32", "lpp"),
  TANH_BACKWARD("elementwise", "tanh_backward_f32", "lpppf"),
  COPY2D("elementwise", "copy2d_f32", "pipiii"),
  TRANSPOSE("elementwise", "transpose_f32", "pipiii"),
  FILL2D("elementwise", "fill2d_f32", "piiif"),
  ADD_ROW_VECTOR("elementwise", "add_row_vector_f32", "piiip"),
  SUM_ROWS("elementwise", "sum_rows_f32", "piiipf"),
  REVERSE_SEQUENCES("elementwise", "reverse_sequences_f32", "pppiii"),
  GATHER_LAST_STEP("elementwise", "gather_last_step_f32", "pppiii"),
  SCATTER_ADD_LAST_STEP("elementwise", "scatter_add_last_step_f32", "pppiii"),
  MASK_KEYS("elementwise", "mask_keys_f32", "ppiiif"),

  REDUCE_PARTIALS("reductions", "reduce_partials_f32", "plip"),
  REDUCE_FINISH("reductions", "reduce_finish_f64", "pip"),
  NON_FINITE("reductions", "non_finite_f32", "plp"),

  DROPOUT("dropout", "dropout_f32", "plfflpp"),
  ADAM_UPDATE("optim", "adam_update_f32", "pppplfffffff"),
  SGD_UPDATE("optim", "sgd_update_f32", "ppplff"),

  GEMM("gemm", "gemm_f32", "iiifpiilpiilfpili");

  private final String module;
  private final String symbol;
  private final String signature;

  Kernel(String module, String symbol, String signature) {
    this.module = module;
    this.symbol = symbol;
    this.signature = signature;
  }

  /** The module: {@code cuda/<module>.cu}, shipped as {@code /dev/rnn4j/cuda/<module>.*}. */
  String module() {
    return module;
  }

  /** The exported symbol, e.g. {@code lstm_cell_forward_f32}. */
  String symbol() {
    return symbol;
  }

  /** Parameter kinds, one letter each (see the class comment). */
  String signature() {
    return signature;
  }

  @Override
  public String toString() {
    return symbol;
  }
}
