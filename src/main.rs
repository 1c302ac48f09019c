fn main() {
    std::process::exit(rlab::cli::main());
}
