#[tokio::main]
async fn main() -> std::io::Result<()> {
    erp_server::run_main(hr::service()).await
}
