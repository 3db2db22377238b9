import{r as e,t}from"./chunk-QB3YPZ4I-DOl27j8N.js";import"./chunk-TU62E6Q5-a2wMAaq-.js";import"./mermaid.core-B12m-Pfu.js";import"./chunk-HFQBQIA3-QxRKTxSk.js";import"./chunk-M57EVK23-BaNGXtGv.js";import"./chunk-DQASFODM--GkW6iKA.js";import"./chunk-LEVMRMFU-ChnFoZG2.js";import"./chunk-AXFCVDMN-3SstISPL.js";import"./chunk-X4PVCEUW-Dh_9qJvi.js";import"./chunk-STOXU5M4-CF96IhMT.js";import"./chunk-R3KSYZAL-C53Wrl2u.js";import"./chunk-6MUBBAK2-8XT15hFP.js";import"./chunk-BG4553SI-DL-C5BTk.js";import"./d3-selection-D5ya_JHq.js";import{n}from"./chunk-Y2CYZVJY-DsF7k-Jl.js";var r=t({styles:n(t=>`${e(t)}
  .swimlane.cluster:not([data-color-id]) rect {
    stroke: ${t.clusterBorder} !important;
  }
  [data-look="neo"].cluster rect {
    filter: none;
  }
`,`getStyles`)});export{r as diagram};